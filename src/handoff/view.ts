import type { Queryable } from '../db/database.js';
import { handoffOfConcern } from './sql/holder.js';
import { outboundOfConcern, type OutboundMessage } from './sql/outbound.js';

export interface HandoffView {
  /** The live conversation on this concern, while a co-ordinator holds it. */
  handoff: { coordinator: { id: string; name: string }; conversationId: string; startedAt: string } | null;
  /** Every message to the person on this concern, with its delivery status (and why, when it failed). */
  replies: OutboundMessage[];
}

/** What GET /api/queue/:id adds to the concern's detail. */
export async function handoffView(q: Queryable, concernId: string): Promise<HandoffView> {
  // One after the other: q may be a transaction's single connection.
  const held = await handoffOfConcern(q, concernId);
  const replies = await outboundOfConcern(q, concernId);
  return {
    handoff: held ? { coordinator: { id: held.coordinatorId!, name: held.coordinatorName! }, conversationId: held.conversationId, startedAt: held.startedAt } : null,
    replies,
  };
}
