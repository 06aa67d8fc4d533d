import type { Clock } from '../../clock.js';
import type { Queryable } from '../../db/database.js';

/**
 * The person said the emergency raised from their conversation is not one (after the 999 instruction, in the
 * middle of a dialog). Recorded on the conversation's open emergency item, as an event for its history and in
 * its details for the queue view; the item stays an emergency until a co-ordinator decides. The reference of
 * the item, or undefined when the conversation has no open emergency.
 */
export async function recordPersonSaidNotEmergency(db: Queryable, clock: Clock, conversationId: string): Promise<string | undefined> {
  const now = clock.now();
  const { rows } = await db.query<{ reference: string }>(
    `with item as (
       update concerns set details = details || jsonb_build_object('personSaidNotEmergency', $2::text), updated_at = $3
       where conversation_id = $1 and priority = 'emergency' and status <> 'resolved'
       returning id, reference
     ), event as (
       insert into concern_events (concern_id, kind, data, created_at)
       select id, 'person-said-not-emergency', '{}'::jsonb, $3 from item
     )
     select reference from item`,
    [conversationId, now.toISOString(), now],
  );
  return rows[0]?.reference;
}
