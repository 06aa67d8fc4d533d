import type { Queryable } from '../db/database.js';
import { storableJson } from '../db/storable.js';
import type { Clock } from '../clock.js';
import type { ConcernDetails } from './concern.js';
import { PRIORITY_ORDER_SQL, type Priority } from './priority.js';
import { newReference } from './reference.js';

export type Channel = 'chat' | 'sms';
export type ConcernStatus = 'open' | 'claimed' | 'resolved';

export interface TranscriptEntry {
  direction: 'in' | 'out';
  text: string;
  at: string;
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
}

interface ConcernRow {
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
}

const COLUMNS = 'id, reference, priority, status, channel, conversation_id, created_at, updated_at, summary, details, transcript';

function toItem(row: ConcernRow): QueueItem {
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
  };
}

export interface Requester {
  channel: Channel;
  conversationId: string;
  /** Who is asking: the same person's concerns, and only theirs, are told back to them. */
  requesterKey: string;
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
         insert into concerns (reference, submission_id, priority, channel, conversation_id, requester_key, details, transcript, summary, created_at, updated_at)
         values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $10)
         on conflict (submission_id) do nothing
         returning ${COLUMNS}
       )
       select * from inserted
       union all
       select ${COLUMNS} from concerns where submission_id = $2 and not exists (select 1 from inserted)`,
      [reference, input.submissionId, input.priority, input.channel, input.conversationId, input.requesterKey,
        storableJson(input.details), storableJson(input.transcript), input.summary, now],
    );
    if (rows[0]) return toItem(rows[0]);
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
  const details = { redFlags: input.flags, advice: input.advice };
  const summary = `Emergency red flag (${input.flags.join(', ')}): told to call ${input.advice}`;
  return withFreshReference(async (reference) => {
    const { rows } = await db.query<ConcernRow & { created: boolean }>(
      `insert into concerns (reference, priority, channel, conversation_id, requester_key, details, transcript, summary, created_at, updated_at)
       values ($1, 'emergency', $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $8)
       on conflict (conversation_id) where priority = 'emergency' and status <> 'resolved'
       do update set transcript = concerns.transcript || excluded.transcript,
         details = jsonb_set(concerns.details, '{redFlags}',
           (select coalesce(jsonb_agg(distinct f), '[]'::jsonb) from jsonb_array_elements((concerns.details->'redFlags') || (excluded.details->'redFlags')) f)),
         updated_at = excluded.updated_at
       returning ${COLUMNS}, (xmax = 0) as created`,
      [reference, input.channel, input.conversationId, input.requesterKey, storableJson(details),
        storableJson([input.entry]), summary, now],
    );
    const row = rows[0]!;
    return { item: toItem(row), created: row.created };
  });
}

/** The co-ordinators' queue: unresolved first, most pressing first, then oldest first. */
export async function listQueue(db: Queryable, options: { includeResolved?: boolean; limit?: number } = {}): Promise<QueueItem[]> {
  const { rows } = await db.query<ConcernRow>(
    `select ${COLUMNS} from concerns
     where $1::boolean or status <> 'resolved'
     order by (status = 'resolved'), ${PRIORITY_ORDER_SQL}, created_at, id
     limit $2`,
    [options.includeResolved ?? false, options.limit ?? 200],
  );
  return rows.map(toItem);
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
