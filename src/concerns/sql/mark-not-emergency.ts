import type { Queryable } from '../../db/database.js';
import { Conflict } from '../../http/errors.js';
import type { Actor } from '../actor.js';
import { COLUMNS, LEASE_HELD_SQL, toItem, type ConcernRow, type QueueItem } from '../concern-queue.js';
import { concernState, refusal } from './concern-state.js';

/**
 * A co-ordinator's judgement that an emergency item is not one, with the reason. It stays in the queue as urgent
 * (a person still looks at it today), and a new red flag from the conversation raises a new emergency item.
 */
export async function markNotEmergency(db: Queryable, id: string, actor: Actor, reason: string): Promise<QueueItem> {
  const { rows } = await db.query<ConcernRow>(
    `with marked as (
       update concerns set priority = 'urgent', updated_at = now()
       where id = $1 and priority = 'emergency' and status <> 'resolved' and not (${LEASE_HELD_SQL} and claimed_by <> $2)
       returning ${COLUMNS}
     ), event as (
       insert into concern_events (concern_id, kind, actor_id, actor_name, data)
       select id, 'not-an-emergency', $2, $3, jsonb_build_object('reason', $4::text, 'from', 'emergency', 'to', 'urgent') from marked
     )
     select * from marked`,
    [id, actor.id, actor.name, reason],
  );
  if (rows[0]) return toItem(rows[0]);
  const state = await concernState(db, id);
  if (state.priority !== 'emergency') throw new Conflict('not an emergency item');
  throw await refusal(db, id, actor.id, 'mark it not an emergency');
}
