import type { Queryable } from '../../../db/database.js';
import { EFFECTIVE_STATUS_SQL } from '../../../concerns/concern-queue.js';
import { PAGED_PRIORITIES } from '../start-paging.js';

export interface PageableConcern {
  id: string;
  reference: string;
  priority: string;
  /** Still nobody's: open (or its claim ran out), not resolved, and still emergency or urgent. */
  needsPaging: boolean;
}

/** The little a page needs about a concern: never its details, transcript or who it is about. */
export async function pageableConcern(q: Queryable, id: string): Promise<PageableConcern | undefined> {
  const { rows } = await q.query<{ id: string; reference: string; priority: string; status: string }>(
    `select id, reference, priority, ${EFFECTIVE_STATUS_SQL} as status from concerns where id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { id: row.id, reference: row.reference, priority: row.priority, needsPaging: row.status === 'open' && PAGED_PRIORITIES.includes(row.priority) };
}

/** The concern with this reference, for an ACK by text. */
export async function concernIdByReference(q: Queryable, reference: string): Promise<string | undefined> {
  const { rows } = await q.query<{ id: string }>('select id from concerns where reference = $1', [reference]);
  return rows[0]?.id;
}
