import type { Queryable } from '../db/database.js';
import { storableJson } from '../db/storable.js';
import { WriteBatcher } from '../db/write-batcher.js';
import type { Clock } from '../clock.js';
import type { Channel, TranscriptEntry } from '../concerns/concern-queue.js';
import { handedOverSql } from '../handoff/sql/holder.js';
import { previousInboundAtSql } from '../patient-updates/sql/contacts.js';
import { feedbackOpenSql } from '../patient-updates/sql/feedback.js';

interface InboundMessage {
  conversationId: string;
  channel: Channel;
  requesterKey: string;
  externalId?: string;
  text: string;
  reference?: unknown;
  /** When it arrived, if not now (a message replayed from the emergency spool). */
  at?: Date;
}

// One batcher per database for each kind of write: concurrent turns' messages go in together (WriteBatcher).
function batcherFor<Item, Result>(
  writers: WeakMap<Queryable, WriteBatcher<Item, Result>>,
  db: Queryable,
  make: () => WriteBatcher<Item, Result>,
): WriteBatcher<Item, Result> {
  let writer = writers.get(db);
  if (!writer) {
    writer = make();
    writers.set(db, writer);
  }
  return writer;
}

/**
 * What the conversation held when a message was recorded, read in the statement that recorded it, so that the
 * turn steps after the screen need no read of their own on most turns. Each part is a feature's own SQL.
 */
export interface ConversationAtInbound {
  /** When the person's inbound message before this one arrived (repeat contact, src/patient-updates). */
  previousInboundAt?: Date;
  /** A feedback question is open there (src/patient-updates): only then is it read in full. */
  feedbackOpen: boolean;
  /** The conversation has ever been handed to a co-ordinator (src/handoff): only then is its holder locked. */
  handedOver: boolean;
}

/** Recorded once (`fresh`), with what the conversation held just before; a duplicate delivery is not fresh. */
export type InboundRecord = { fresh: true; before: ConversationAtInbound } | { fresh: false };

const inboundWriters = new WeakMap<Queryable, WriteBatcher<InboundMessage & { at: Date }, InboundRecord>>();

/**
 * Records an inbound message once. Returns false when the same external id was already recorded for
 * this conversation: a duplicate delivery, to be answered without being processed again.
 */
export async function recordInbound(db: Queryable, clock: Clock, input: InboundMessage): Promise<boolean> {
  return (await recordInboundTurn(db, clock, input)).fresh;
}

/** recordInbound, with what the conversation held before this message (a turn's first write). */
export function recordInboundTurn(db: Queryable, clock: Clock, input: InboundMessage): Promise<InboundRecord> {
  // One conversation at most once a statement, so a duplicate delivery is judged against the first, and what
  // is read of the conversation is from before this message.
  const writer = batcherFor(inboundWriters, db, () => new WriteBatcher((batch) => insertInbound(db, batch), { keyOf: (m) => m.conversationId }));
  return writer.add({ ...input, at: input.at ?? clock.now() });
}

async function insertInbound(db: Queryable, batch: (InboundMessage & { at: Date })[]): Promise<InboundRecord[]> {
  // The conversation rows and the messages go in together (a turn's hot path). A conversation row is
  // rewritten only when its reference changed or last_seen_at is a minute old: a row version a turn would
  // otherwise pile up dead rows (embedded PGlite has no autovacuum) for a time nobody needs to the second.
  // The final select sees the database as it was before this statement (one snapshot), so the previous
  // inbound message is never this one.
  const { rows } = await db.query<{ conversation_id: string; fresh: boolean; previous_inbound_at: Date | string | null; feedback_open: boolean; handed_over: boolean }>(
    `with input as (
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[])
         as i(conversation_id, channel, requester_key, reference, at, external_id, text)
     ),
     conversation as (
       insert into conversations (id, channel, requester_key, reference, created_at, last_seen_at)
       select conversation_id, channel, requester_key, reference::jsonb, at, at from input order by conversation_id
       on conflict (id) do update set last_seen_at = excluded.last_seen_at,
         reference = coalesce(excluded.reference, conversations.reference)
       where conversations.last_seen_at < excluded.last_seen_at - interval '1 minute'
         or conversations.reference is distinct from coalesce(excluded.reference, conversations.reference)
     ),
     recorded as (
       insert into messages (conversation_id, direction, external_id, text, created_at)
       select conversation_id, 'in', external_id, text, at from input order by conversation_id
       on conflict (conversation_id, external_id) where direction = 'in' and external_id is not null do nothing
       returning conversation_id
     )
     select i.conversation_id, exists (select 1 from recorded r where r.conversation_id = i.conversation_id) as fresh,
       ${previousInboundAtSql('i.conversation_id')} as previous_inbound_at,
       ${feedbackOpenSql('i.conversation_id')} as feedback_open,
       ${handedOverSql('i.conversation_id')} as handed_over
     from input i`,
    [
      batch.map((m) => m.conversationId), batch.map((m) => m.channel), batch.map((m) => m.requesterKey),
      batch.map((m) => (m.reference ? storableJson(m.reference) : null)),
      batch.map((m) => m.at),
      batch.map((m) => m.externalId ?? null), batch.map((m) => m.text),
    ],
  );
  const byConversation = new Map(rows.map((r) => [r.conversation_id, r]));
  return batch.map((m): InboundRecord => {
    const row = byConversation.get(m.conversationId);
    if (!row?.fresh) return { fresh: false };
    const previous = row.previous_inbound_at === null ? undefined : new Date(row.previous_inbound_at);
    return { fresh: true, before: { previousInboundAt: previous, feedbackOpen: row.feedback_open, handedOver: row.handed_over } };
  });
}

interface OutboundReplies {
  conversationId: string;
  texts: string[];
  at: Date;
}

const outboundWriters = new WeakMap<Queryable, WriteBatcher<OutboundReplies, void>>();

/** Records the replies of one send, together and in order; settles once they are committed. */
export async function recordOutbound(db: Queryable, clock: Clock, conversationId: string, texts: string[]): Promise<void> {
  if (texts.length === 0) return;
  const writer = batcherFor(outboundWriters, db, () => new WriteBatcher((sends) => insertOutbound(db, sends)));
  await writer.add({ conversationId, texts, at: clock.now() });
}

async function insertOutbound(db: Queryable, sends: OutboundReplies[]): Promise<void[]> {
  const messages = sends.flatMap((s) => s.texts.map((text) => ({ conversationId: s.conversationId, text, at: s.at })));
  // Sent order within each conversation (message ids are the transcript's order); conversations in key
  // order, so that two instances writing the same conversations never wait on each other in a circle.
  await db.query(
    `insert into messages (conversation_id, direction, text, created_at)
     select c, 'out', t, a from unnest($1::text[], $2::text[], $3::timestamptz[]) with ordinality as m(c, t, a, n) order by c, n`,
    [messages.map((m) => m.conversationId), messages.map((m) => m.text), messages.map((m) => m.at)],
  );
  return sends.map(() => undefined);
}

/** The most recent turns of a conversation, oldest first: the story a co-ordinator reads. */
export async function recentTranscript(db: Queryable, conversationId: string, limit = 40): Promise<TranscriptEntry[]> {
  const { rows } = await db.query<{ direction: 'in' | 'out'; text: string; created_at: Date | string }>(
    `select direction, text, created_at from (
       select id, direction, text, created_at from messages where conversation_id = $1 order by id desc limit $2
     ) recent order by id`,
    [conversationId, limit],
  );
  return rows.map((r) => ({ direction: r.direction, text: r.text, at: new Date(r.created_at).toISOString() }));
}
