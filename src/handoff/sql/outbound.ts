import type { Queryable } from '../../db/database.js';
import { schedule } from '../../jobs/schedule.js';

export const DELIVER_OUTBOUND_JOB = 'deliver-outbound';

export type OutboundStatus = 'pending delivery' | 'sending' | 'queued' | 'sent' | 'delivered' | 'failed';

export interface OutboundMessage {
  id: string;
  concernId: string;
  conversationId: string;
  text: string;
  kind: 'reply' | 'handoff-notice' | 'patient-update';
  /** Buttons under it on chat (src/patient-updates: the feedback score). */
  choices: string[] | null;
  status: OutboundStatus;
  failureReason: string | null;
  attempts: number;
  authorId: string;
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  concern_id: string;
  conversation_id: string;
  text: string;
  kind: OutboundMessage['kind'];
  choices: string[] | null;
  status: OutboundStatus;
  failure_reason: string | null;
  attempts: number;
  author_id: string;
  created_at: Date | string;
  updated_at: Date | string;
}

const COLUMNS = 'id, concern_id, conversation_id, text, kind, choices, status, failure_reason, attempts, author_id, created_at, updated_at';

const toMessage = (r: Row): OutboundMessage => ({
  id: String(r.id), concernId: r.concern_id, conversationId: r.conversation_id, text: r.text, kind: r.kind, choices: r.choices, status: r.status,
  failureReason: r.failure_reason, attempts: r.attempts, authorId: r.author_id,
  createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
});

/** Makes sure a delivery job will look at the conversation's pending messages (one waiting job per conversation). */
export async function scheduleDelivery(tx: Queryable, conversationId: string): Promise<void> {
  await schedule(tx, { name: DELIVER_OUTBOUND_JOB, payload: { conversationId }, singletonKey: `${DELIVER_OUTBOUND_JOB}:${conversationId}`, maxAttempts: 8 });
}

/**
 * A notice from Carepoint itself on the concern's conversation, delivered in order with the replies: the handoff's
 * own, or an update on the concern (src/patient-updates), which may carry buttons for chat.
 */
export async function addNotice(
  tx: Queryable, concernId: string, text: string, options: { kind?: 'handoff-notice' | 'patient-update'; choices?: string[] } = {},
): Promise<string> {
  const { rows } = await tx.query<{ id: string; conversation_id: string }>(
    `insert into outbound_messages (concern_id, conversation_id, channel, text, author_id, kind, choices)
     select id, conversation_id, channel, $2, 'carepoint', $3, $4::jsonb from concerns where id = $1
     returning id, conversation_id`,
    [concernId, text, options.kind ?? 'handoff-notice', options.choices ? JSON.stringify(options.choices) : null],
  );
  await scheduleDelivery(tx, rows[0]!.conversation_id);
  return String(rows[0]!.id);
}

/**
 * The conversation's next message to send, marked 'sending' until `leaseSeconds` from now. One at a time per
 * conversation, in order: none is taken while another is being sent, so replies arrive as they were written.
 * A message left 'sending' past its lease (its job died) is taken again; the delivery port's key then says
 * whether it went.
 */
export async function takeNextOutbound(q: Queryable, conversationId: string, leaseSeconds: number): Promise<OutboundMessage | undefined> {
  const { rows } = await q.query<Row>(
    `update outbound_messages set status = 'sending', attempts = attempts + 1,
       sending_until = now() + make_interval(secs => $2::float8), updated_at = now()
     where id = (select id from outbound_messages where conversation_id = $1 and status in ('pending delivery', 'sending') order by id limit 1)
       and (status = 'pending delivery' or (status = 'sending' and sending_until < now()))
     returning ${COLUMNS}`,
    [conversationId, leaseSeconds],
  );
  return rows[0] ? toMessage(rows[0]) : undefined;
}

/** What the delivery came to; the console hears of it on concern_changes. */
export async function settleOutbound(q: Queryable, id: string, status: OutboundStatus, reason?: string): Promise<void> {
  await q.query(
    `update outbound_messages set status = $2, failure_reason = $3, sending_until = null, updated_at = now()
     where id = $1 and status = 'sending'`,
    [id, status, reason ?? null],
  );
}

/** Every message to the person on a concern, oldest first, with its delivery status. */
export async function outboundOfConcern(q: Queryable, concernId: string): Promise<OutboundMessage[]> {
  const { rows } = await q.query<Row>(`select ${COLUMNS} from outbound_messages where concern_id = $1 order by id`, [concernId]);
  return rows.map(toMessage);
}

/** Gives up on a conversation's pending messages (its delivery job died): failed, with why. */
export async function failPendingOutbound(q: Queryable, conversationId: string, reason: string): Promise<string[]> {
  const { rows } = await q.query<{ concern_id: string }>(
    `update outbound_messages set status = 'failed', failure_reason = $2, sending_until = null, updated_at = now()
     where conversation_id = $1 and status in ('pending delivery', 'sending') returning concern_id`,
    [conversationId, reason],
  );
  return [...new Set(rows.map((r) => r.concern_id))];
}
