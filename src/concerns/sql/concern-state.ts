import type { Queryable } from '../../db/database.js';
import { Conflict, NotFound } from '../../http/errors.js';
import { EFFECTIVE_STATUS_SQL, LEASE_HELD_SQL, type ConcernStatus } from '../concern-queue.js';

export interface ConcernState {
  status: ConcernStatus;
  priority: string;
  holder: { id: string; name: string } | null;
}

/** A concern's state now (a run-out lease reads as no claim), or NotFound. */
export async function concernState(db: Queryable, id: string): Promise<ConcernState> {
  const { rows } = await db.query<{ status: ConcernStatus; priority: string; claimed_by: string | null; claimed_by_name: string | null }>(
    `select ${EFFECTIVE_STATUS_SQL} as status, priority,
       case when ${LEASE_HELD_SQL} then claimed_by end as claimed_by, claimed_by_name
     from concerns where id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) throw new NotFound('no such concern');
  return { status: row.status, priority: row.priority, holder: row.claimed_by ? { id: row.claimed_by, name: row.claimed_by_name ?? row.claimed_by } : null };
}

/**
 * Why an operation that matched no row was refused, as the error to throw: the concern is unknown (404), or its
 * state does not allow it (409, naming who holds the claim).
 */
export async function refusal(db: Queryable, id: string, actorId: string, action: string): Promise<Error> {
  const state = await concernState(db, id).catch((error: unknown) => error as Error);
  if (state instanceof Error) return state;
  if (state.holder && state.holder.id !== actorId) return new Conflict(`cannot ${action}: claimed by ${state.holder.name}`);
  if (state.holder) return new Conflict(`cannot ${action}: you already hold the claim`);
  return new Conflict(`cannot ${action}: the concern is ${state.status}`);
}
