import type { Database, Queryable } from '../db/database.js';
import { storableJson } from '../db/storable.js';
import type { Clock } from '../clock.js';
import type { ConcernDetails } from './model.js';
import type { Priority } from './priority.js';
import { startPaging } from '../oncall/paging/start-paging.js';
import { recheckOverdue, scheduleOverdueCheck } from '../patient-updates/overdue-schedule.js';
import { newReference } from './reference.js';
import { HELD_BACK_SQL, SOURCE_SHARE } from './source-share.js';
import { promoteHeldConcernForEmergency } from '../handoff/sql/promote-for-emergency.js';

export type Channel = 'chat' | 'sms';
export type ConcernStatus = 'open' | 'claimed' | 'resolved';

export interface TranscriptEntry {
  direction: 'in' | 'out';
  text: string;
  at: string;
}

export const OUTCOMES = [
  'advice-given', 'referral-chased', 'appointment-arranged', 'passed-to-gp', 'passed-to-specialist-team', 'other',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** A problem reaching the person (an SMS opted out, undelivered, given up on): use another contact route. */
export interface ContactProblem {
  problem: string;
  channel: string;
  advice: string;
  at: string;
  [key: string]: unknown;
}

export interface QueueItem {
  id: string;
  reference: string;
  priority: Priority;
  status: ConcernStatus;
  channel: Channel;
  conversationId: string;
  createdAt: string;
  updatedAt: string;
  summary: string;
  details: Partial<ConcernDetails> & Record<string, unknown>;
  transcript: TranscriptEntry[];
  claimedBy: { id: string; name: string } | null;
  claimedUntil: string | null;
  /** A claim ran out unattended since the item was last claimed: it is shown highlighted. */
  leaseExpired: boolean;
  outcome: Outcome | null;
  resolvedAt: string | null;
  contactProblem: ContactProblem | null;
}

export interface ConcernRow {
  id: string;
  reference: string;
  priority: Priority;
  status: ConcernStatus;
  channel: Channel;
  conversation_id: string;
  created_at: Date | string;
  updated_at: Date | string;
  summary: string;
  details: QueueItem['details'];
  transcript: TranscriptEntry[];
  claimed_by: string | null;
  claimed_by_name: string | null;
  claimed_until: Date | string | null;
  lease_expired_at: Date | string | null;
  outcome: Outcome | null;
  resolved_at: Date | string | null;
  contact_problem: ContactProblem | null;
}

/**
 * A claim whose lease has run out (on the database clock) is no claim, whether or not a sweep
 * (src/concerns/sql/expire-leases.ts) has put the item back yet: every read goes through these.
 */
export const LEASE_HELD_SQL = `(status = 'claimed' and claimed_until >= now())`;
export const EFFECTIVE_STATUS_SQL = `(case when status = 'claimed' and claimed_until < now() then 'open' else status end)`;

export const COLUMNS = `id, reference, priority, ${EFFECTIVE_STATUS_SQL} as status, channel, conversation_id, created_at, updated_at,
  summary, details, transcript, case when ${LEASE_HELD_SQL} then claimed_by end as claimed_by,
  case when ${LEASE_HELD_SQL} then claimed_by_name end as claimed_by_name, case when ${LEASE_HELD_SQL} then claimed_until end as claimed_until,
  case when status = 'claimed' and claimed_until < now() then claimed_until else lease_expired_at end as lease_expired_at,
  outcome, resolved_at, contact_problem`;

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

export function toItem(row: ConcernRow): QueueItem {
  return {
    id: row.id,
    reference: row.reference,
    priority: row.priority,
    status: row.status,
    channel: row.channel,
    conversationId: row.conversation_id,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    summary: row.summary,
    details: row.details,
    transcript: row.transcript,
    claimedBy: row.claimed_by ? { id: row.claimed_by, name: row.claimed_by_name ?? row.claimed_by } : null,
    claimedUntil: iso(row.claimed_until),
    leaseExpired: row.lease_expired_at !== null,
    outcome: row.outcome,
    resolvedAt: iso(row.resolved_at),
    contactProblem: row.contact_problem,
  };
}

export interface Requester {
  channel: Channel;
  conversationId: string;
  /** Who is asking: the same person's concerns, and only theirs, are told back to them. */
  requesterKey: string;
  /** Where the request came from (src/http/request-source.ts); a flood from one source is queued after others. */
  sourceKey?: string;
}

const UNIQUE_VIOLATION = '23505';

/** Retries on the (rare) clash of a new random reference with an existing one. */
async function withFreshReference<T>(attempt: (reference: string) => Promise<T>): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt(newReference());
    } catch (error) {
      const clash = (error as { code?: string; constraint?: string }).code === UNIQUE_VIOLATION &&
        /reference/.test(String((error as { constraint?: string }).constraint ?? (error as Error).message));
      if (!clash || tries >= 5) throw error;
    }
  }
}

/**
 * Commits a structured concern to the queue; the patient is told only after this resolves. The same
 * submission id twice gives back the concern committed first.
 */
export async function submitConcern(
  db: Queryable,
  clock: Clock,
  input: Requester & {
    submissionId: string;
    priority: Priority;
    details: ConcernDetails;
    summary: string;
    transcript: TranscriptEntry[];
  },
): Promise<QueueItem> {
  const now = clock.now();
  return withFreshReference(async (reference) => {
    const { rows } = await db.query<ConcernRow>(
      `with inserted as (
         insert into concerns (reference, submission_id, priority, channel, conversation_id, requester_key, details, transcript, summary, created_at, updated_at, source_key, held_back)
         values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $10, $11, ${HELD_BACK_SQL('$11', '$10', '$12', '$13')})
         on conflict (submission_id) do nothing
         returning ${COLUMNS}
       ), raised as (
         insert into concern_events (concern_id, kind, data, created_at)
         select id, 'raised', jsonb_build_object('priority', priority, 'channel', channel), created_at from inserted
       )
       select * from inserted
       union all
       select ${COLUMNS} from concerns where submission_id = $2 and not exists (select 1 from inserted)`,
      [reference, input.submissionId, input.priority, input.channel, input.conversationId, input.requesterKey,
        storableJson(input.details), storableJson(input.transcript), input.summary, now,
        input.sourceKey ?? null, SOURCE_SHARE.windowSeconds, SOURCE_SHARE.items],
    );
    if (rows[0]) {
      const item = toItem(rows[0]);
      // Emergency and urgent concerns page the person on call at once (the watchdog starts any a crash missed).
      await startPaging(db, item);
      // Past its target with nobody in touch, the person is told (src/patient-updates).
      await scheduleOverdueCheck(db, item);
      return item;
    }
    // A concurrent twin committed while this statement waited; its row is outside this statement's
    // snapshot, so read it afresh.
    const again = await db.query<ConcernRow>(`select ${COLUMNS} from concerns where submission_id = $1`, [input.submissionId]);
    return toItem(again.rows[0]!);
  });
}

/**
 * Raises an emergency item for the conversation, or adds the message to the one already unresolved,
 * so that repeated red-flag messages do not flood the queue.
 */
export async function recordEmergency(
  db: Queryable,
  clock: Clock,
  input: Requester & { flags: string[]; advice: '999' | '111'; entry: TranscriptEntry },
): Promise<{ item: QueueItem; created: boolean }> {
  const now = clock.now();
  const details = { redFlags: input.flags, advice: input.advice, redFlagAdvice: Object.fromEntries(input.flags.map((f) => [f, input.advice])) };
  return withFreshReference(async (reference) => {
    // Flags are merged and the summary rebuilt in SQL (migration 024), so every flag shows, most serious first.
    const { rows } = await db.query<ConcernRow & { created: boolean }>(
      `with upserted as (
         insert into concerns (reference, priority, channel, conversation_id, requester_key, details, transcript, summary, created_at, updated_at, source_key, held_back)
         values ($1, 'emergency', $2, $3, $4, merge_red_flags('{}'::jsonb, $5::jsonb), $6::jsonb, red_flag_summary(merge_red_flags('{}'::jsonb, $5::jsonb)),
           $7, $7, $8, ${HELD_BACK_SQL('$8', '$7', '$9', '$10')})
         on conflict (conversation_id) where priority = 'emergency' and status <> 'resolved'
         do update set transcript = concerns.transcript || excluded.transcript,
           details = merge_red_flags(concerns.details, $5::jsonb),
           summary = red_flag_summary(merge_red_flags(concerns.details, $5::jsonb)),
           updated_at = excluded.updated_at
         returning ${COLUMNS}, (xmax = 0) as created
       ), event as (
         insert into concern_events (concern_id, kind, data, created_at)
         select id, case when created then 'raised' else 'escalated' end,
           jsonb_build_object('priority', 'emergency', 'redFlags', $11::jsonb, 'advice', $12::text), $7 from upserted
       )
       select * from upserted`,
      [reference, input.channel, input.conversationId, input.requesterKey, storableJson(details),
        storableJson([input.entry]), now, input.sourceKey ?? null, SOURCE_SHARE.windowSeconds, SOURCE_SHARE.items,
        storableJson(input.flags), input.advice],
    );
    const row = rows[0]!;
    const item = toItem(row);
    // A red flag joining an item nobody has claimed pages too, unless its chain is already under way.
    if (!item.claimedBy && item.status === 'open') await startPaging(db, item);
    if (row.created) await scheduleOverdueCheck(db, item);
    return { item, created: row.created };
  });
}

/**
 * Raises an urgent item for a message with risk words that neither detector could decide, so that a
 * person looks at it whatever the answer to the check question; one open item per conversation.
 */
export async function recordUncertainRisk(
  db: Queryable,
  clock: Clock,
  input: Requester & { entry: TranscriptEntry; score?: number },
): Promise<QueueItem> {
  return recordMarkedItem(db, clock, {
    ...input, mark: 'uncertainRisk', priority: 'urgent',
    details: { uncertainRisk: true, ...(input.score !== undefined ? { classifierScore: Math.round(input.score * 10) / 10 } : {}) },
    summary: 'Uncertain risk: a message with symptom or risk words that the screen could not decide; the check question was asked',
  });
}

/**
 * Raises an item for a message mostly not in English (flagged `language`: a co-ordinator calls back with an
 * interpreter); urgent when it has risk words or a red flag in any language. One open item per conversation,
 * raised to urgent by a later message that needs it.
 */
export async function recordLanguageItem(
  db: Queryable,
  clock: Clock,
  input: Requester & { entry: TranscriptEntry; language: { code: string; name: string }; urgent: boolean },
): Promise<QueueItem> {
  return recordMarkedItem(db, clock, {
    ...input, mark: 'language', priority: input.urgent ? 'urgent' : 'soon',
    details: { language: input.language.code, languageName: input.language.name, interpreterNeeded: true },
    summary: `Language: wrote in ${input.language.name}; call back with an interpreter`,
  });
}

/** One open item per conversation carrying `mark` in its details: the message joins it, or raises it. */
async function recordMarkedItem(
  db: Queryable,
  clock: Clock,
  input: Requester & { entry: TranscriptEntry; mark: string; priority: 'urgent' | 'soon'; details: Record<string, unknown>; summary: string },
): Promise<QueueItem> {
  const now = clock.now();
  return withFreshReference(async (reference) => {
    const { rows } = await db.query<ConcernRow & { raised: boolean }>(
      `with open_item as (
         update concerns set transcript = transcript || $6::jsonb, updated_at = $8,
           priority = case when $10 = 'urgent' and priority in ('soon', 'routine') then 'urgent' else priority end
         where conversation_id = $3 and status <> 'resolved' and details ? $9
         returning ${COLUMNS}
       ), inserted as (
         insert into concerns (reference, priority, channel, conversation_id, requester_key, details, transcript, summary, created_at, updated_at)
         select $1, $10, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $8
         where not exists (select 1 from open_item)
         returning ${COLUMNS}
       ), raised as (
         insert into concern_events (concern_id, kind, data, created_at)
         select id, 'raised', jsonb_build_object('priority', priority, $9::text, true), created_at from inserted
       )
       select *, false as raised from open_item union all select *, true as raised from inserted`,
      [reference, input.channel, input.conversationId, input.requesterKey, storableJson(input.details), storableJson([input.entry]),
        input.summary, now, input.mark, input.priority],
    );
    const item = toItem(rows[0]!);
    if (item.status === 'open') await startPaging(db, item);
    // A new item's check; a joined one may just have become urgent, with a sooner target.
    if (rows[0]!.raised) await scheduleOverdueCheck(db, item);
    else if (input.priority === 'urgent') await recheckOverdue(db, item.id);
    return item;
  });
}

/**
 * recordEmergency, at most once per `recordId` (the id an emergency turn gives its record, kept with it in the
 * local spool when storage failed). A second call with the same id, from a replay, a late live write or another
 * instance, changes nothing and returns the item the first one raised or joined.
 */
export async function recordEmergencyOnce(
  db: Pick<Database, 'transaction'>,
  clock: Clock,
  input: Parameters<typeof recordEmergency>[2] & { recordId: string },
): Promise<{ item: QueueItem; created: boolean; already: boolean }> {
  return db.transaction(async (tx) => {
    // A concurrent twin's uncommitted claim makes this insert wait, then do nothing.
    const claimed = await tx.query(
      'insert into emergency_records (id, conversation_id) values ($1, $2) on conflict (id) do nothing returning id',
      [input.recordId, input.conversationId],
    );
    if (claimed.rows.length === 0) {
      const { rows } = await tx.query<ConcernRow>(
        `select ${COLUMNS} from concerns where id = (select concern_id from emergency_records where id = $1)`,
        [input.recordId],
      );
      if (!rows[0]) throw new Error('emergency record claimed without an item');
      return { item: toItem(rows[0]), created: false, already: true };
    }
    // In a live handoff the held concern becomes the emergency (src/handoff), so the red flag joins it.
    await promoteHeldConcernForEmergency(tx, input.conversationId);
    const { item, created } = await recordEmergency(tx, clock, input);
    await tx.query('update emergency_records set concern_id = $2 where id = $1', [input.recordId, item.id]);
    return { item, created, already: false };
  });
}

/** A person's own concerns, newest first; never anyone else's. */
export async function concernsOf(db: Queryable, requesterKey: string, reference?: string): Promise<QueueItem[]> {
  const { rows } = await db.query<ConcernRow>(
    `select ${COLUMNS} from concerns
     where requester_key = $1 and ($2::text is null or reference = $2)
     order by created_at desc limit 10`,
    [requesterKey, reference ?? null],
  );
  return rows.map(toItem);
}
