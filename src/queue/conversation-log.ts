import type { Queryable } from '../db/database.js';
import { WriteBatcher } from '../db/write-batcher.js';
import type { Clock } from '../clock.js';
import type { Channel, TranscriptEntry } from './concern-queue.js';

/**
 * Records an inbound message once. Returns false when the same external id was already recorded for
 * this conversation: a duplicate delivery, to be answered without being processed again.
 */
export async function recordInbound(
  db: Queryable,
  clock: Clock,
  input: { conversationId: string; channel: Channel; requesterKey: string; externalId?: string; text: string; reference?: unknown },
): Promise<boolean> {
  const now = clock.now();
  // One round trip: the conversation row and the message go in together (a turn's hot path). The row is
  // rewritten only when its reference changed or last_seen_at is a minute old: a row version a turn would
  // otherwise pile up dead rows (embedded PGlite has no autovacuum) for a time nobody needs to the second.
  const { rows } = await db.query(
    `with conversation as (
       insert into conversations (id, channel, requester_key, reference, created_at, last_seen_at)
       values ($1, $2, $3, $4::jsonb, $5, $5)
       on conflict (id) do update set last_seen_at = excluded.last_seen_at,
         reference = coalesce(excluded.reference, conversations.reference)
       where conversations.last_seen_at < excluded.last_seen_at - interval '1 minute'
         or conversations.reference is distinct from coalesce(excluded.reference, conversations.reference)
     )
     insert into messages (conversation_id, direction, external_id, text, created_at) values ($1, 'in', $6, $7, $5)
     on conflict (conversation_id, external_id) where direction = 'in' and external_id is not null do nothing
     returning id`,
    [input.conversationId, input.channel, input.requesterKey, input.reference ? JSON.stringify(input.reference) : null, now,
      input.externalId ?? null, input.text],
  );
  return rows.length > 0;
}

interface OutboundMessage {
  conversationId: string;
  text: string;
  at: Date;
}

// One batcher per database: replies of concurrent turns are recorded together (see WriteBatcher).
const outboundWriters = new WeakMap<Queryable, WriteBatcher<OutboundMessage>>();

/** Records replies sent, in order; settles once they are committed. */
export async function recordOutbound(db: Queryable, clock: Clock, conversationId: string, texts: string[]): Promise<void> {
  if (texts.length === 0) return;
  let writer = outboundWriters.get(db);
  if (!writer) {
    writer = new WriteBatcher((messages) => insertOutbound(db, messages));
    outboundWriters.set(db, writer);
  }
  const at = clock.now();
  await Promise.all(texts.map((text) => writer.add({ conversationId, text, at })));
}

async function insertOutbound(db: Queryable, messages: OutboundMessage[]): Promise<void[]> {
  // `with ordinality` keeps the order they were sent in: message ids are the transcript's order.
  await db.query(
    `insert into messages (conversation_id, direction, text, created_at)
     select c, 'out', t, a from unnest($1::text[], $2::text[], $3::timestamptz[]) with ordinality as m(c, t, a, n) order by n`,
    [messages.map((m) => m.conversationId), messages.map((m) => m.text), messages.map((m) => m.at)],
  );
  return messages.map(() => undefined);
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
