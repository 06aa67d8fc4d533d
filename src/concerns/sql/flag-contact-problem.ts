import { storableJson } from '../../db/storable.js';
import type { Queryable } from '../../db/database.js';
import type { ContactProblem } from '../concern-queue.js';

/**
 * Marks a concern (named, or the conversation's latest unresolved one) with a problem reaching the person, so the
 * co-ordinator uses another route; with a 'contact-problem' event. Does nothing when there is no such concern.
 */
export async function flagContactProblem(
  db: Queryable,
  target: { concernId: string | null; conversationId: string | null },
  problem: ContactProblem,
  at: Date,
): Promise<void> {
  if (!target.concernId && !target.conversationId) return;
  await db.query(
    `with flagged as (
       update concerns set contact_problem = $3::jsonb, updated_at = $4
       where id = coalesce($1::uuid, (select id from concerns where conversation_id = $2 and status <> 'resolved'
         order by created_at desc limit 1))
       returning id
     )
     insert into concern_events (concern_id, kind, data, created_at) select id, 'contact-problem', $3::jsonb, $4 from flagged`,
    [target.concernId, target.conversationId, storableJson(problem), at],
  );
}
