import type { Queryable } from '../db/database.js';
import { Conflict } from '../http/errors.js';
import type { Actor } from '../concerns/actor.js';
import type { Channel } from '../concerns/concern-queue.js';
import { concernState } from '../concerns/sql/concern-state.js';
import { recordReply, type RecordedReply } from '../concerns/sql/record-reply.js';
import { schedule } from '../jobs/schedule.js';
import { concernChanged } from './live-events.js';
import { handoffEndedNotice, handoffStartedNotice } from './notices.js';
import { giveBackConversation, takeConversation, type EndReason } from './sql/holder.js';
import { addNotice, scheduleDelivery } from './sql/outbound.js';
import { lapseFeedbackIn } from '../patient-updates/sql/feedback.js';

export const HANDOFF_LEASE_JOB = 'handoff-lease-check';

async function concernConversation(tx: Queryable, concernId: string): Promise<{ conversationId: string; channel: Channel }> {
  const { rows } = await tx.query<{ conversation_id: string; channel: Channel }>('select conversation_id, channel from concerns where id = $1', [concernId]);
  return { conversationId: rows[0]!.conversation_id, channel: rows[0]!.channel };
}

async function addHandoffEvent(tx: Queryable, concernId: string, kind: 'handoff-started' | 'handoff-ended', actor: Actor | null, data: Record<string, unknown>): Promise<void> {
  await tx.query(
    'insert into concern_events (concern_id, kind, actor_id, actor_name, data) values ($1, $2, $3, $4, $5::jsonb)',
    [concernId, kind, actor?.id ?? null, actor?.name ?? null, JSON.stringify(data)],
  );
}

/**
 * A co-ordinator's reply (POST /api/queue/:id/reply), in the route's transaction. Only the claim's holder may
 * reply. The first reply starts the live handoff: the person is told who they are talking to first, and from
 * then on their messages go to the co-ordinator, not the assistant. Both are delivered by the delivery job.
 */
export async function replyToPerson(tx: Queryable, concernId: string, who: Actor, text: string, leaseMinutes: number): Promise<RecordedReply & { handoffStarted: boolean }> {
  const state = await concernState(tx, concernId);
  if (state.status === 'resolved') throw new Conflict('cannot reply: the concern is resolved');
  if (!state.holder) throw new Conflict('cannot reply: claim the concern first');
  if (state.holder.id !== who.id) throw new Conflict(`cannot reply: claimed by ${state.holder.name}`);
  const { conversationId } = await concernConversation(tx, concernId);
  const taken = await takeConversation(tx, { conversationId, concernId, coordinatorId: who.id, coordinatorName: who.name });
  if (!taken.started && taken.holder.concernId !== concernId) {
    throw new Conflict(`cannot reply: the person is talking to ${taken.holder.coordinatorName ?? 'another co-ordinator'} about another concern`);
  }
  if (taken.started) {
    // From now on the person's messages are the co-ordinator's: none is an answer to an earlier feedback question.
    await lapseFeedbackIn(tx, conversationId);
    await addNotice(tx, concernId, handoffStartedNotice(who.name));
    await addHandoffEvent(tx, concernId, 'handoff-started', who, { conversationId });
    // The claim's lease may run out with nobody at the console: the check then hands the person back.
    await schedule(tx, { name: HANDOFF_LEASE_JOB, payload: { concernId }, inSeconds: leaseMinutes * 60 + 1, singletonKey: `${HANDOFF_LEASE_JOB}:${concernId}` });
  }
  const reply = await recordReply(tx, concernId, who, text);
  await scheduleDelivery(tx, conversationId);
  await concernChanged(tx, concernId);
  return { ...reply, handoffStarted: taken.started };
}

/**
 * Ends a concern's handoff, if one is in progress: the person is told, and the assistant greets them and
 * answers from then on. False when there was none (already ended, or never started).
 */
export async function endHandoff(tx: Queryable, concernId: string, reason: EndReason, actor: Actor | null): Promise<boolean> {
  const ended = await giveBackConversation(tx, concernId, reason);
  if (!ended) return false;
  const { channel } = await concernConversation(tx, concernId);
  await addNotice(tx, concernId, handoffEndedNotice(reason, ended.coordinatorName, channel));
  await addHandoffEvent(tx, concernId, 'handoff-ended', actor, { reason });
  await concernChanged(tx, concernId);
  return true;
}

/** POST /api/queue/:id/hand-back: only the claim's holder; refused when no handoff is in progress. */
export async function handBack(tx: Queryable, concernId: string, who: Actor): Promise<{ handedBack: true }> {
  const state = await concernState(tx, concernId);
  if (!state.holder || state.holder.id !== who.id) {
    throw new Conflict(state.holder ? `cannot hand back: claimed by ${state.holder.name}` : 'cannot hand back: you do not hold the claim');
  }
  if (!(await endHandoff(tx, concernId, 'hand-back', who))) throw new Conflict('cannot hand back: no live conversation in progress');
  return { handedBack: true };
}
