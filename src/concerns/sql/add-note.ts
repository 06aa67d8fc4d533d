import type { Queryable } from '../../db/database.js';
import { NotFound } from '../../http/errors.js';
import type { Actor } from '../actor.js';

/** A co-ordinator's note on a concern (any state); returns the event's id. */
export async function addNote(db: Queryable, id: string, actor: Actor, text: string): Promise<{ eventId: string }> {
  const { rows } = await db.query<{ id: string }>(
    `insert into concern_events (concern_id, kind, actor_id, actor_name, data)
     select id, 'note', $2, $3, jsonb_build_object('text', $4::text) from concerns where id = $1
     returning id`,
    [id, actor.id, actor.name, text],
  );
  if (!rows[0]) throw new NotFound('no such concern');
  return { eventId: String(rows[0].id) };
}
