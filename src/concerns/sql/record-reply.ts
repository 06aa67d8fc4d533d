import type { Queryable } from '../../db/database.js';
import type { Actor } from '../actor.js';
import { LEASE_HELD_SQL } from '../concern-queue.js';
import { refusal } from './concern-state.js';

export interface RecordedReply {
  messageId: string;
  eventId: string;
  status: 'pending delivery';
}

/**
 * A co-ordinator's reply to the person, recorded (a 'reply' event and a pending outbound message on the concern's
 * conversation and channel) for the delivery port to send. Only on an unresolved concern not claimed by someone else.
 */
export async function recordReply(db: Queryable, id: string, actor: Actor, text: string): Promise<RecordedReply> {
  const { rows } = await db.query<{ message_id: string; event_id: string }>(
    `with target as (
       select id, conversation_id, channel from concerns
       where id = $1 and status <> 'resolved' and not (${LEASE_HELD_SQL} and claimed_by <> $2)
     ), message as (
       insert into outbound_messages (concern_id, conversation_id, channel, text, author_id)
       select id, conversation_id, channel, $4, $2 from target
       returning id, concern_id
     ), event as (
       insert into concern_events (concern_id, kind, actor_id, actor_name, data)
       select concern_id, 'reply', $2, $3, jsonb_build_object('text', $4::text, 'messageId', id, 'status', 'pending delivery') from message
       returning id
     )
     select message.id as message_id, event.id as event_id from message, event`,
    [id, actor.id, actor.name, text],
  );
  if (!rows[0]) throw await refusal(db, id, actor.id, 'reply');
  return { messageId: String(rows[0].message_id), eventId: String(rows[0].event_id), status: 'pending delivery' };
}
