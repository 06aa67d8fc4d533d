import type { Queryable } from '../db/database.js';

export type DeliveryRoute = 'bot-framework' | 'sms' | 'webchat';
export type AttemptStatus = 'sending' | 'queued' | 'sent' | 'failed';

export interface Attempt {
  status: AttemptStatus;
  reason: string | null;
}

/**
 * Takes the key for one delivery (migration 028). Undefined when this call is the first with the key; else
 * what the earlier call recorded. In the caller's transaction: a rolled-back delivery leaves no key behind.
 */
export async function takeDeliveryKey(
  q: Queryable,
  input: { key: string; conversationId: string; route: DeliveryRoute; status: AttemptStatus },
): Promise<Attempt | undefined> {
  const taken = await q.query(
    `insert into delivery_attempts (key, conversation_id, route, status) values ($1, $2, $3, $4)
     on conflict (key) do nothing returning key`,
    [input.key, input.conversationId, input.route, input.status],
  );
  if (taken.rows.length > 0) return undefined;
  const { rows } = await q.query<Attempt>('select status, reason from delivery_attempts where key = $1', [input.key]);
  return rows[0];
}

export async function finishDeliveryAttempt(q: Queryable, key: string, status: AttemptStatus, reason?: string): Promise<void> {
  await q.query('update delivery_attempts set status = $2, reason = $3, updated_at = now() where key = $1', [key, status, reason ?? null]);
}

/** A send that certainly did not reach the channel (refused before it took it): the key may be used again. */
export async function releaseDeliveryKey(q: Queryable, key: string): Promise<void> {
  await q.query(`delete from delivery_attempts where key = $1 and status = 'sending'`, [key]);
}
