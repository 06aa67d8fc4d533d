import type { Queryable } from '../../db/database.js';
import type { Actor } from '../actor.js';
import { COLUMNS, LEASE_HELD_SQL, toItem, type ConcernRow, type QueueItem } from '../concern-queue.js';
import { refusal } from './concern-state.js';

/** Gives a claim back: only its holder can; the item returns to the queue. */
export async function releaseConcern(db: Queryable, id: string, actor: Actor): Promise<QueueItem> {
  const { rows } = await db.query<ConcernRow>(
    `with released as (
       update concerns set status = 'open', claimed_by = null, claimed_by_name = null, claimed_until = null, updated_at = now()
       where id = $1 and claimed_by = $2 and ${LEASE_HELD_SQL}
       returning ${COLUMNS}
     ), event as (
       insert into concern_events (concern_id, kind, actor_id, actor_name) select id, 'released', $2, $3 from released
     )
     select * from released`,
    [id, actor.id, actor.name],
  );
  if (!rows[0]) throw await refusal(db, id, actor.id, 'release');
  return toItem(rows[0]);
}
