import type { Queryable } from '../db/database.js';
import { routeOf, type StoredConversation } from '../delivery/deliver.js';
import type { DeliveryRoute } from '../delivery/delivery-attempts.js';
import { handoffOfConcern } from './sql/holder.js';
import { outboundOfConcern, type OutboundMessage } from './sql/outbound.js';

export interface HandoffView {
  /** The live conversation on this concern, while a co-ordinator holds it. */
  handoff: { coordinator: { id: string; name: string }; conversationId: string; startedAt: string } | null;
  /** Every message to the person on this concern, with its delivery status (and why, when it failed). */
  replies: OutboundMessage[];
  /**
   * How replies reach the person, which says what their status can mean: SMS and the local web chat report
   * `delivered` (the handset, or the patient's browser fetched it); a Bot Framework channel (`channelId`, such
   * as msteams) only says it took the message, so `sent` is as far as it goes.
   */
  route: { kind: DeliveryRoute; channelId: string | null } | null;
}

/** What GET /api/queue/:id adds to the concern's detail. */
export async function handoffView(q: Queryable, concernId: string): Promise<HandoffView> {
  // One after the other: q may be a transaction's single connection.
  const held = await handoffOfConcern(q, concernId);
  const replies = await outboundOfConcern(q, concernId);
  const { rows } = await q.query<StoredConversation & { id: string }>(
    'select v.id, v.channel, v.reference from concerns c join conversations v on v.id = c.conversation_id where c.id = $1',
    [concernId],
  );
  const stored = rows[0];
  return {
    handoff: held ? { coordinator: { id: held.coordinatorId!, name: held.coordinatorName! }, conversationId: held.conversationId, startedAt: held.startedAt } : null,
    replies,
    route: stored ? { kind: routeOf(stored.id, stored), channelId: stored.reference?.channelId ?? null } : null,
  };
}
