import type { Queryable } from '../../db/database.js';
import type { Channel } from '../../concerns/concern-queue.js';
import { concernChanged } from '../../handoff/live-events.js';

/** How long a feedback question stays open: after that a "4" is just a message again. */
export const FEEDBACK_OPEN_DAYS = 7;

export interface FeedbackRequest {
  concernId: string;
  channel: Channel;
  state: 'asked' | 'commenting';
}

/**
 * Opens the concern's one feedback request (asked once per concern: false when it was asked before, on an
 * earlier resolution). Any other request still open in the conversation lapses: only the newest is answered.
 */
export async function askForFeedback(tx: Queryable, concern: { id: string; conversationId: string; channel: Channel }): Promise<boolean> {
  const { rows } = await tx.query(
    `insert into feedback_requests (concern_id, conversation_id, channel, expires_at)
     values ($1, $2, $3, now() + make_interval(days => $4)) on conflict (concern_id) do nothing returning concern_id`,
    [concern.id, concern.conversationId, concern.channel, FEEDBACK_OPEN_DAYS],
  );
  if (!rows[0]) return false;
  await tx.query(
    `update feedback_requests set state = 'lapsed', updated_at = now()
     where conversation_id = $1 and concern_id <> $2 and state in ('asked', 'commenting')`,
    [concern.conversationId, concern.id],
  );
  await tx.query(`insert into concern_events (concern_id, kind, data) values ($1, 'feedback-asked', jsonb_build_object('channel', $2::text))`, [concern.id, concern.channel]);
  return true;
}

/**
 * SQL: whether the conversation has an open request (openFeedbackRequest's test), on its index. A scalar subquery,
 * not exists(): PostgreSQL may answer exists() for many rows at once by reading every open request.
 */
export const feedbackOpenSql = (conversationId: string) =>
  `coalesce((select true from feedback_requests f where f.conversation_id = ${conversationId} and f.state in ('asked', 'commenting') and f.expires_at > now() limit 1), false)`;

/** The conversation's open request, newest first, unless it has expired. */
export async function openFeedbackRequest(q: Queryable, conversationId: string): Promise<FeedbackRequest | undefined> {
  const { rows } = await q.query<{ concern_id: string; channel: Channel; state: FeedbackRequest['state'] }>(
    `select concern_id, channel, state from feedback_requests
     where conversation_id = $1 and state in ('asked', 'commenting') and expires_at > now()
     order by asked_at desc limit 1`,
    [conversationId],
  );
  const row = rows[0];
  return row ? { concernId: row.concern_id, channel: row.channel, state: row.state } : undefined;
}

/**
 * The score, stored against the concern and its pathway; the request then waits for an optional comment. False
 * when the request was no longer waiting for a score (a duplicate answer raced this one).
 */
export async function recordScore(tx: Queryable, request: FeedbackRequest, score: number): Promise<boolean> {
  const moved = await tx.query(
    `update feedback_requests set state = 'commenting', updated_at = now() where concern_id = $1 and state = 'asked' returning concern_id`,
    [request.concernId],
  );
  if (moved.rows.length === 0) return false;
  await tx.query(
    `insert into concern_feedback (concern_id, pathway, channel, score)
     select id, details->>'pathway', $2, $3 from concerns where id = $1`,
    [request.concernId, request.channel, score],
  );
  await tx.query(`insert into concern_events (concern_id, kind, data) values ($1, 'feedback-given', jsonb_build_object('score', $2::int))`, [request.concernId, score]);
  await concernChanged(tx, request.concernId);
  return true;
}

export async function recordComment(tx: Queryable, request: FeedbackRequest, comment: string): Promise<boolean> {
  const moved = await tx.query(
    `update feedback_requests set state = 'done', updated_at = now() where concern_id = $1 and state = 'commenting' returning concern_id`,
    [request.concernId],
  );
  if (moved.rows.length === 0) return false;
  await tx.query('update concern_feedback set comment = $2 where concern_id = $1', [request.concernId, comment]);
  await concernChanged(tx, request.concernId);
  return true;
}

/** An emergency in the conversation: whatever feedback was asked for there lapses (one statement, no read first). */
export async function lapseFeedbackIn(q: Queryable, conversationId: string): Promise<void> {
  await q.query(`update feedback_requests set state = 'lapsed', updated_at = now() where conversation_id = $1 and state in ('asked', 'commenting')`, [conversationId]);
}

/** Ends the request without (more) feedback: 'done' when the person said SKIP, 'lapsed' when they wrote something else. */
export async function endFeedbackRequest(q: Queryable, request: FeedbackRequest, state: 'done' | 'lapsed'): Promise<void> {
  await q.query(
    `update feedback_requests set state = $2, updated_at = now() where concern_id = $1 and state in ('asked', 'commenting')`,
    [request.concernId, state],
  );
}
