import type { Queryable } from '../../db/database.js';

/**
 * A red flag in a conversation a co-ordinator holds: the concern they hold becomes the emergency item (and is
 * flagged emergencyDuringHandoff), so the red flag joins it instead of raising a second item the co-ordinator
 * in the conversation might not see. Run just before the emergency is recorded, in its transaction; the
 * emergency upsert then finds this concern as the conversation's open emergency and adds the flags to it.
 */
export async function promoteHeldConcernForEmergency(tx: Queryable, conversationId: string): Promise<void> {
  await tx.query(
    `update concerns k set
       priority = case when exists (select 1 from concerns e where e.conversation_id = $1 and e.priority = 'emergency'
         and e.status <> 'resolved' and e.id <> k.id) then k.priority else 'emergency' end,
       details = k.details || '{"emergencyDuringHandoff": true}'::jsonb,
       updated_at = now()
     from conversation_holders h
     where h.conversation_id = $1 and h.held_by = 'coordinator' and k.id = h.concern_id and k.status <> 'resolved'`,
    [conversationId],
  );
}
