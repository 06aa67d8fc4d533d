import type { Queryable } from '../db/database.js';
import { COLUMNS, EFFECTIVE_STATUS_SQL, LEASE_HELD_SQL, toItem, type ConcernRow, type ConcernStatus, type QueueItem } from './concern-queue.js';
import type { Pathway } from './model.js';
import { PRIORITY_ORDER_SQL, type Priority } from './priority.js';
import { type QueuePosition } from './queue-cursor.js';

export const QUEUE_PAGE_MAX = 200;

/** What a co-ordinator narrows the queue to; every filter is optional and they combine. */
export interface QueueFilter {
  status?: ConcernStatus;
  priority?: Priority;
  pathway?: Pathway;
  /** Only items this co-ordinator holds a live claim on. */
  claimedBy?: string;
}

export interface QueuePage {
  items: QueueItem[];
  /** The position after the last item, when there may be more. */
  next?: QueuePosition;
}

interface PageRow extends ConcernRow {
  k_resolved: boolean;
  held_back: boolean;
  k_rank: number;
  k_created: string;
}

/**
 * One page of the co-ordinators' queue, in its order: unresolved first; then every source's share before any
 * source's flood (held_back, src/concerns/source-share.ts); then most pressing first; then oldest first.
 * `after` continues from a previous page's last item (keyset: rows compare as tuples, the index's order).
 */
export async function listQueuePage(
  db: Queryable,
  options: { includeResolved?: boolean; limit?: number; after?: QueuePosition; filter?: QueueFilter } = {},
): Promise<QueuePage> {
  const filter = options.filter ?? {};
  const limit = Math.min(Math.max(options.limit ?? QUEUE_PAGE_MAX, 1), QUEUE_PAGE_MAX);
  const after = options.after;
  const { rows } = await db.query<PageRow>(
    `select ${COLUMNS}, (status = 'resolved') as k_resolved, held_back, ${PRIORITY_ORDER_SQL} as k_rank,
       to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as k_created
     from concerns
     where ($1::boolean or status <> 'resolved')
       and ($8::text is null or ${EFFECTIVE_STATUS_SQL} = $8)
       and ($9::text is null or priority = $9)
       and ($10::text is null or details->>'pathway' = $10)
       and ($11::text is null or (${LEASE_HELD_SQL} and claimed_by = $11))
       and ($3::boolean is null or ((status = 'resolved'), held_back, ${PRIORITY_ORDER_SQL}, created_at, id)
         > ($3::boolean, $4::boolean, $5::int, $6::timestamptz, $7::uuid))
     order by (status = 'resolved'), held_back, ${PRIORITY_ORDER_SQL}, created_at, id
     limit $2`,
    [options.includeResolved || filter.status === 'resolved', limit + 1,
      after?.resolved ?? null, after?.heldBack ?? null, after?.rank ?? null, after?.createdAt ?? null, after?.id ?? null,
      filter.status ?? null, filter.priority ?? null, filter.pathway ?? null, filter.claimedBy ?? null],
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map(toItem),
    next: rows.length > limit && last
      ? { resolved: last.k_resolved, heldBack: last.held_back, rank: Number(last.k_rank), createdAt: last.k_created, id: last.id }
      : undefined,
  };
}

/** The co-ordinators' queue from the top (tests and tools; the API pages through listQueuePage). */
export async function listQueue(db: Queryable, options: { includeResolved?: boolean; limit?: number } = {}): Promise<QueueItem[]> {
  return (await listQueuePage(db, options)).items;
}
