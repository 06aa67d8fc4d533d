import type { Queryable } from '../db/database.js';
import { PRIORITIES, type Priority } from './priority.js';
import { EFFECTIVE_STATUS_SQL, type ConcernStatus } from './concern-queue.js';

export interface QueueCounts {
  /** Unresolved items by priority: what is waiting. */
  byPriority: Record<Priority, number>;
  /** Every item by status. */
  byStatus: Record<ConcernStatus, number>;
  /** Unresolved items queued after everyone else's as part of one source's flood. */
  heldBack: number;
}

/** The whole queue counted, whatever page the co-ordinator is on. */
export async function countQueue(db: Queryable): Promise<QueueCounts> {
  const { rows } = await db.query<{ priority: Priority; status: ConcernStatus; held_back: boolean; n: string | number }>(
    `select priority, ${EFFECTIVE_STATUS_SQL} as status, held_back, count(*) as n from concerns group by 1, 2, 3`,
  );
  const counts: QueueCounts = {
    byPriority: Object.fromEntries(PRIORITIES.map((p) => [p, 0])) as Record<Priority, number>,
    byStatus: { open: 0, claimed: 0, resolved: 0 },
    heldBack: 0,
  };
  for (const row of rows) {
    const n = Number(row.n);
    counts.byStatus[row.status] += n;
    if (row.status === 'resolved') continue;
    counts.byPriority[row.priority] += n;
    if (row.held_back) counts.heldBack += n;
  }
  return counts;
}
