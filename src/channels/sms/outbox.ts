import type { Clock } from '../../clock.js';
import type { Database, Queryable } from '../../db/database.js';
import { storableJson } from '../../db/storable.js';
import { joinForSms, smsTextOf } from './sms-text.js';
import { flagContactProblem } from '../../concerns/sql/flag-contact-problem.js';

/**
 * The SMS outbox: messages that are not replies to a text (a co-ordinator's message, a status update,
 * a page to the on-call co-ordinator, a reply that missed the webhook's deadline). Written first, sent
 * after by the outbox worker. One persistence operation per function, SQL beside it.
 */
export type OutboxPurpose = 'coordinator-message' | 'status-update' | 'on-call-page' | 'late-reply';
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped' | 'unknown';
/** Why the co-ordinator should reach this person some other way; shown on the concern in the queue. */
export type ContactProblem = 'opted-out' | 'send-failed' | 'undelivered' | 'delivery-unknown';

export interface OutboxItem {
  id: string;
  phone: string;
  body: string;
  purpose: OutboxPurpose;
  conversationId: string | null;
  concernId: string | null;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string;
  twilioSid: string | null;
  deliveryStatus: string | null;
  deliveryErrorCode: string | null;
  lastError: string | null;
  contactProblem: ContactProblem | null;
  createdAt: string;
}

interface OutboxRow {
  id: string;
  phone: string;
  body: string;
  purpose: OutboxPurpose;
  conversation_id: string | null;
  concern_id: string | null;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: Date | string;
  twilio_sid: string | null;
  delivery_status: string | null;
  delivery_error_code: string | null;
  last_error: string | null;
  contact_problem: ContactProblem | null;
  created_at: Date | string;
}

const COLUMNS = `id, phone, body, purpose, conversation_id, concern_id, status, attempts, next_attempt_at, twilio_sid,
  delivery_status, delivery_error_code, last_error, contact_problem, created_at`;

function toItem(row: OutboxRow): OutboxItem {
  return {
    id: String(row.id),
    phone: row.phone,
    body: row.body,
    purpose: row.purpose,
    conversationId: row.conversation_id,
    concernId: row.concern_id,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: new Date(row.next_attempt_at).toISOString(),
    twilioSid: row.twilio_sid,
    deliveryStatus: row.delivery_status,
    deliveryErrorCode: row.delivery_error_code,
    lastError: row.last_error,
    contactProblem: row.contact_problem,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export interface EnqueueSms {
  phone: string;
  text: string;
  purpose: OutboxPurpose;
  conversationId?: string;
  concernId?: string;
}

/**
 * Writes a message to the outbox in SMS form (GSM-7, numbered choices, at most 1,600 characters a row;
 * longer text becomes several rows). A number that has opted out gets rows marked 'skipped', kept as the
 * record, and the concern is flagged for another contact route.
 */
export async function enqueueSms(db: Queryable, clock: Clock, input: EnqueueSms): Promise<OutboxItem[]> {
  const bodies = joinForSms([smsTextOf({ text: input.text })]);
  if (bodies.length === 0) return [];
  const now = clock.now();
  const { rows } = await db.query<OutboxRow>(
    `insert into sms_outbox (phone, body, purpose, conversation_id, concern_id, status, contact_problem, next_attempt_at, created_at, updated_at)
     select $1, b, $3, $4, $5::uuid,
       case when o.opted_out then 'skipped' else 'pending' end,
       case when o.opted_out then 'opted-out' end,
       $6, $6, $6
     from unnest($2::text[]) with ordinality as t(b, n)
     left join sms_opt_outs o on o.phone = $1 and o.opted_out
     order by n
     returning ${COLUMNS}`,
    [input.phone, bodies, input.purpose, input.conversationId ?? null, input.concernId ?? null, now],
  );
  const items = rows.map(toItem);
  const skipped = items.find((i) => i.status === 'skipped');
  if (skipped) await flagConcernContactProblem(db, clock, skipped, 'opted-out');
  return items;
}

/** Marks due rows to numbers that have opted out since they were written as 'skipped'. */
export async function skipOptedOutSms(db: Queryable, clock: Clock): Promise<OutboxItem[]> {
  const { rows } = await db.query<OutboxRow>(
    `update sms_outbox set status = 'skipped', contact_problem = 'opted-out', updated_at = $1
     where status = 'pending' and phone in (select phone from sms_opt_outs where opted_out)
     returning ${COLUMNS}`,
    [clock.now()],
  );
  return rows.map(toItem);
}

/**
 * Claims due rows for sending and marks them 'sending' in the same statement. SKIP LOCKED lets several
 * instances on one PostgreSQL server claim disjoint rows; the status guard in the UPDATE keeps a row from
 * being claimed twice even where row locks do not separate callers (PGlite is one connection).
 */
export async function claimDueSms(db: Queryable, clock: Clock, limit: number): Promise<OutboxItem[]> {
  const now = clock.now();
  const { rows } = await db.query<OutboxRow>(
    `with due as (
       select id from sms_outbox where status = 'pending' and next_attempt_at <= $1
       order by next_attempt_at, id limit $2
       for update skip locked
     )
     update sms_outbox o set status = 'sending', claimed_at = $1, attempts = o.attempts + 1, updated_at = $1
     from due where o.id = due.id and o.status = 'pending'
     returning ${COLUMNS.split(',').map((c) => `o.${c.trim()}`).join(', ')}`,
    [now, limit],
  );
  return rows.map(toItem).sort((a, b) => Number(a.id) - Number(b.id));
}

/**
 * The send was taken by Twilio: 'sent' with its sid, and any status callback that came before this (kept by
 * recordDeliveryStatus) is applied now. The row as it ends, for the caller to act on an early 'undelivered'.
 */
export async function markSmsSent(db: Database, clock: Clock, id: string, twilioSid: string): Promise<OutboxItem | undefined> {
  return db.transaction(async (tx) => {
    await lockSid(tx, twilioSid);
    const { rows } = await tx.query<OutboxRow>(
      `update sms_outbox set status = 'sent', twilio_sid = $2, last_error = null, updated_at = $3
       where id = $1 and status = 'sending'
       returning ${COLUMNS}`,
      [id, twilioSid, clock.now()],
    );
    if (!rows[0]) return undefined;
    const { rows: early } = await tx.query<{ status: string; error_code: string | null }>(
      `delete from sms_early_statuses where twilio_sid = $1 returning status, error_code`,
      [twilioSid],
    );
    let item = toItem(rows[0]);
    // One at a time: the stage ranking keeps the latest stage whatever order they arrived in.
    for (const status of early) {
      item = (await updateDeliveryStatus(tx, clock, { twilioSid, status: status.status, errorCode: status.error_code ?? undefined })) ?? item;
    }
    return item;
  });
}

/** A claimed row not sent because the number opted out after it was written. */
export async function markSmsSkipped(db: Queryable, clock: Clock, id: string): Promise<void> {
  await db.query(
    `update sms_outbox set status = 'skipped', contact_problem = 'opted-out', claimed_at = null, updated_at = $2
     where id = $1 and status = 'sending'`,
    [id, clock.now()],
  );
}

/** A failed attempt: back to 'pending' at `retryAt`, or 'failed' for good (with the reason for the co-ordinator). */
export async function markSmsFailed(
  db: Queryable,
  clock: Clock,
  id: string,
  input: { error: string; retryAt?: Date; contactProblem?: ContactProblem },
): Promise<OutboxItem | undefined> {
  const { rows } = await db.query<OutboxRow>(
    `update sms_outbox set status = case when $3::timestamptz is null then 'failed' else 'pending' end,
       next_attempt_at = coalesce($3, next_attempt_at), last_error = $2, contact_problem = coalesce($4, contact_problem),
       claimed_at = null, updated_at = $5
     where id = $1 and status = 'sending'
     returning ${COLUMNS}`,
    [id, input.error, input.retryAt ?? null, input.contactProblem ?? null, clock.now()],
  );
  return rows[0] ? toItem(rows[0]) : undefined;
}

/**
 * Rows left 'sending' longer than the lease: the process stopped between asking Twilio and recording the
 * answer. They become 'unknown', never resent automatically (see the outbox worker for why).
 */
export async function expireStaleSending(db: Queryable, clock: Clock, leaseMs: number): Promise<OutboxItem[]> {
  const now = clock.now();
  const { rows } = await db.query<OutboxRow>(
    `update sms_outbox set status = 'unknown', contact_problem = 'delivery-unknown', updated_at = $1,
       last_error = 'stopped while sending: Twilio may or may not have the message'
     where status = 'sending' and claimed_at < $2
     returning ${COLUMNS}`,
    [now, new Date(now.getTime() - leaseMs)],
  );
  return rows.map(toItem);
}

const DELIVERY_RANK = (v: string) => `case ${v} when 'accepted' then 0 when 'scheduled' then 0 when 'queued' then 0
  when 'sending' then 1 when 'sent' then 2 when 'delivered' then 3 when 'undelivered' then 3 when 'failed' then 3
  when 'read' then 4 when 'canceled' then 3 else -1 end`;

/**
 * Records a Twilio delivery status callback against the message. Callbacks can arrive out of order, so a
 * later stage (delivered) is not overwritten by an earlier one (sent). One for a sid not recorded yet is kept
 * and applied by markSmsSent (`early`); one older than a day with no such message is for none of ours.
 */
export async function recordDeliveryStatus(
  db: Database,
  clock: Clock,
  input: { twilioSid: string; status: string; errorCode?: string },
): Promise<{ item?: OutboxItem; early: boolean }> {
  return db.transaction(async (tx) => {
    await lockSid(tx, input.twilioSid);
    const item = await updateDeliveryStatus(tx, clock, input);
    if (item) return { item, early: false };
    await tx.query(
      `insert into sms_early_statuses (twilio_sid, status, error_code, received_at) values ($1, $2, $3, $4)`,
      [input.twilioSid, input.status, input.errorCode ?? null, clock.now()],
    );
    await tx.query(`delete from sms_early_statuses where received_at < $1`, [new Date(clock.now().getTime() - 24 * 60 * 60_000)]);
    return { early: true };
  });
}

async function updateDeliveryStatus(
  q: Queryable,
  clock: Clock,
  input: { twilioSid: string; status: string; errorCode?: string },
): Promise<OutboxItem | undefined> {
  const { rows } = await q.query<OutboxRow>(
    `update sms_outbox set
       delivery_status = case when ${DELIVERY_RANK('$2')} >= ${DELIVERY_RANK('delivery_status')} then $2 else delivery_status end,
       delivery_error_code = coalesce($3, delivery_error_code),
       contact_problem = case when $2 in ('undelivered', 'failed') then 'undelivered' else contact_problem end,
       updated_at = $4
     where twilio_sid = $1
     returning ${COLUMNS}`,
    [input.twilioSid, input.status, input.errorCode ?? null, clock.now()],
  );
  return rows[0] ? toItem(rows[0]) : undefined;
}

/** The send's answer and its status callbacks, one at a time per message (both engines have advisory locks). */
async function lockSid(tx: Queryable, twilioSid: string): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(hashtext('sms-sid:' || $1))`, [twilioSid]);
}

/** A delivery status that means the text did not reach the phone. */
export function isUndelivered(item: Pick<OutboxItem, 'deliveryStatus'>): boolean {
  return item.deliveryStatus === 'undelivered' || item.deliveryStatus === 'failed';
}

const CONTACT_ADVICE: Record<ContactProblem, string> = {
  'opted-out': 'This number has opted out of texts (STOP). Use another contact route, such as a phone call.',
  'send-failed': 'Texts to this number could not be sent. Use another contact route.',
  undelivered: 'A text to this number was not delivered. Use another contact route.',
  'delivery-unknown': 'A text may or may not have gone out (the server stopped while sending). Check by another route before resending.',
};

/**
 * Puts `contactProblem` on the concern the message was about (or the conversation's latest
 * unresolved concern), so GET /api/queue shows the co-ordinator to use another contact route.
 */
export async function flagConcernContactProblem(
  db: Queryable,
  clock: Clock,
  item: Pick<OutboxItem, 'id' | 'concernId' | 'conversationId'>,
  problem: ContactProblem,
  /** The dead letter raised for it (src/delivery/dead-letters.ts), when the send was given up on. */
  deadLetterId?: string,
): Promise<void> {
  const now = clock.now();
  const flag = {
    problem, channel: 'sms', outboxId: item.id, at: now.toISOString(), advice: CONTACT_ADVICE[problem], ...(deadLetterId ? { deadLetterId } : {}),
  };
  // The concern's columns are the concerns feature's: it writes them.
  await flagContactProblem(db, { concernId: item.concernId, conversationId: item.conversationId }, flag, now);
}

/** The latest outbox rows for a number, newest first (the SMS simulator shows them). */
export async function outboxForPhone(db: Queryable, phone: string, limit = 20): Promise<OutboxItem[]> {
  const { rows } = await db.query<OutboxRow>(
    `select ${COLUMNS} from sms_outbox where phone = $1 order by id desc limit $2`,
    [phone, limit],
  );
  return rows.map(toItem);
}
