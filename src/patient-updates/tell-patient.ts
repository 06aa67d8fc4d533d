import type { Queryable } from '../db/database.js';
import type { Actor } from '../concerns/actor.js';
import type { Channel } from '../concerns/concern-queue.js';
import { isOptedOut, phoneOfConversation } from '../channels/sms/sms-contacts.js';
import { addNotice } from '../handoff/sql/outbound.js';
import { concernChanged } from '../handoff/live-events.js';

export type UpdateKind = 'patient-told-claimed' | 'patient-told-resolved' | 'patient-told-overdue';

export interface ConcernToTell {
  id: string;
  reference: string;
  channel: Channel;
  conversationId: string;
}

export async function concernToTell(tx: Queryable, concernId: string): Promise<ConcernToTell | undefined> {
  const { rows } = await tx.query<{ id: string; reference: string; channel: Channel; conversation_id: string }>(
    'select id, reference, channel, conversation_id from concerns where id = $1',
    [concernId],
  );
  const row = rows[0];
  return row ? { id: row.id, reference: row.reference, channel: row.channel, conversationId: row.conversation_id } : undefined;
}

/** A number that has opted out of texts (STOP) is never sent an update: the event records that it was not. */
export async function optedOut(tx: Queryable, concern: ConcernToTell): Promise<boolean> {
  const phone = concern.channel === 'sms' ? phoneOfConversation(concern.conversationId) : undefined;
  return phone !== undefined && (await isOptedOut(tx, phone));
}

/**
 * Tells the person about their concern, in the caller's transaction (the status change it is about commits with
 * it): an outbound message that the delivery job takes to their own channel, in order, once (src/handoff), and the
 * event on the concern's history. Opted out of texts: the event only, `sent: false`. Returns whether it was queued;
 * false also when `once` found the event already there (the overdue message's unique index).
 */
export async function tellPatient(
  tx: Queryable,
  concern: ConcernToTell,
  update: { kind: UpdateKind; text: string; choices?: string[]; data?: Record<string, unknown>; actor?: Actor; once?: boolean },
): Promise<boolean> {
  const skipped = await optedOut(tx, concern);
  const data = { ...update.data, sent: !skipped, ...(skipped ? { reason: 'opted-out: the number has opted out of texts (STOP)' } : {}) };
  const { rows } = await tx.query<{ id: string }>(
    `insert into concern_events (concern_id, kind, actor_id, actor_name, data) values ($1, $2, $3, $4, $5::jsonb)
     ${update.once ? `on conflict (concern_id) where kind = 'patient-told-overdue' do nothing` : ''}
     returning id`,
    [concern.id, update.kind, update.actor?.id ?? null, update.actor?.name ?? null, JSON.stringify(data)],
  );
  if (!rows[0]) return false;
  await concernChanged(tx, concern.id);
  if (skipped) return false;
  const outboundId = await addNotice(tx, concern.id, update.text, { kind: 'patient-update', choices: update.choices });
  await tx.query(`update concern_events set data = data || jsonb_build_object('outboundId', $2::text) where id = $1`, [rows[0].id, outboundId]);
  return true;
}
