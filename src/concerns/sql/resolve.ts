import type { Queryable } from '../../db/database.js';
import type { Actor } from '../actor.js';
import { COLUMNS, LEASE_HELD_SQL, toItem, type ConcernRow, type Outcome, type QueueItem } from '../concern-queue.js';
import { refusal } from './concern-state.js';

/** Resolves a concern with its outcome: one that is not resolved and not claimed by someone else. */
export async function resolveConcern(db: Queryable, id: string, actor: Actor, input: { outcome: Outcome; text?: string }): Promise<QueueItem> {
  const { rows } = await db.query<ConcernRow>(
    `with resolved as (
       update concerns set status = 'resolved', outcome = $4, resolved_at = now(), updated_at = now(),
         claimed_by = null, claimed_by_name = null, claimed_until = null
       where id = $1 and status <> 'resolved' and not (${LEASE_HELD_SQL} and claimed_by <> $2)
       returning ${COLUMNS}
     ), event as (
       insert into concern_events (concern_id, kind, actor_id, actor_name, data)
       select id, 'resolved', $2, $3, jsonb_build_object('outcome', $4::text, 'text', $5::text) from resolved
     )
     select * from resolved`,
    [id, actor.id, actor.name, input.outcome, input.text ?? null],
  );
  if (!rows[0]) throw await refusal(db, id, actor.id, 'resolve');
  return toItem(rows[0]);
}
