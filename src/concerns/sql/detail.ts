import type { Queryable } from '../../db/database.js';
import { NotFound } from '../../http/errors.js';
import { COLUMNS, toItem, type Channel, type ConcernRow, type Outcome, type QueueItem } from '../concern-queue.js';
import { PERSON_SQL } from '../person.js';
import { summaryParagraph } from '../summary-paragraph.js';

export interface ConcernEvent {
  id: string;
  kind: string;
  actor: { id: string; name: string } | null;
  data: Record<string, unknown>;
  at: string;
}

export interface EarlierConcern {
  id: string;
  reference: string;
  channel: Channel;
  priority: string;
  status: string;
  summary: string;
  outcome: Outcome | null;
  createdAt: string;
  resolvedAt: string | null;
}

export interface ConcernDetail {
  concern: QueueItem;
  summary: string;
  patientId: string | null;
  /** Every message of this concern's conversation and of the same person's other conversations, on any channel. */
  transcript: { channel: Channel; conversationId: string; direction: 'in' | 'out'; text: string; at: string }[];
  events: ConcernEvent[];
  earlierConcerns: EarlierConcern[];
  /** Patient records with the name and date of birth the person gave, for a co-ordinator to confirm (link). */
  possibleMatches: { patientId: string; name: string; dateOfBirth: string }[];
}

const TRANSCRIPT_MAX = 1000;

/** Everything a co-ordinator needs to act on one concern without asking the person to retell it. */
export async function concernDetail(db: Queryable, id: string): Promise<ConcernDetail> {
  const found = await db.query<ConcernRow & { patient_id: string | null; requester_key: string }>(
    `select ${COLUMNS}, ${PERSON_SQL('k')} as patient_id, requester_key from concerns k where id = $1`,
    [id],
  );
  const row = found.rows[0];
  if (!row) throw new NotFound('no such concern');
  const concern = toItem(row);
  // The same person's concerns: the same requester, or the same patient however it was known.
  const related = await db.query<{ id: string; reference: string; channel: Channel; priority: string; status: string; summary: string;
    outcome: Outcome | null; created_at: Date | string; resolved_at: Date | string | null; conversation_id: string }>(
    `select k.id, k.reference, k.channel, k.priority, k.status, k.summary, k.outcome, k.created_at, k.resolved_at, k.conversation_id
     from concerns k
     where k.id <> $1 and (k.requester_key = $2 or ($3::uuid is not null and ${PERSON_SQL('k')} = $3::uuid))
     order by k.created_at desc limit 50`,
    [id, row.requester_key, row.patient_id],
  );
  const conversations = [...new Set([concern.conversationId, ...related.rows.map((r) => r.conversation_id)])];
  const [messages, events, matches] = await Promise.all([
    db.query<{ conversation_id: string; channel: Channel | null; direction: 'in' | 'out'; text: string; created_at: Date | string }>(
      `select * from (
         select m.id, m.conversation_id, c.channel, m.direction, m.text, m.created_at
         from messages m left join conversations c on c.id = m.conversation_id
         where m.conversation_id = any($1::text[]) order by m.created_at desc, m.id desc limit $2
       ) recent order by created_at, id`,
      [conversations, TRANSCRIPT_MAX],
    ),
    db.query<{ id: string; kind: string; actor_id: string | null; actor_name: string | null; data: Record<string, unknown>; created_at: Date | string }>(
      'select id, kind, actor_id, actor_name, data, created_at from concern_events where concern_id = $1 order by id',
      [id],
    ),
    row.patient_id || typeof concern.details.name !== 'string' || typeof concern.details.dateOfBirth !== 'string'
      ? Promise.resolve({ rows: [] as { id: string; name: string; date_of_birth: string }[] })
      : db.query<{ id: string; name: string; date_of_birth: string }>(
        `select id, name, to_char(date_of_birth, 'YYYY-MM-DD') as date_of_birth from patients
         where lower(name) = lower($1) and date_of_birth = $2::date limit 10`,
        [concern.details.name, concern.details.dateOfBirth],
      ),
  ]);
  const channelOf = new Map([[concern.conversationId, concern.channel], ...related.rows.map((r) => [r.conversation_id, r.channel] as const)]);
  const earlierConcerns = related.rows.map((r) => ({
    id: r.id, reference: r.reference, channel: r.channel, priority: r.priority, status: r.status, summary: r.summary,
    outcome: r.outcome, createdAt: new Date(r.created_at).toISOString(), resolvedAt: r.resolved_at ? new Date(r.resolved_at).toISOString() : null,
  }));
  return {
    concern,
    summary: summaryParagraph(concern, earlierConcerns.length),
    patientId: row.patient_id,
    transcript: messages.rows.map((m) => ({
      channel: m.channel ?? channelOf.get(m.conversation_id) ?? concern.channel, conversationId: m.conversation_id,
      direction: m.direction, text: m.text, at: new Date(m.created_at).toISOString(),
    })),
    events: events.rows.map((e) => ({
      id: String(e.id), kind: e.kind, actor: e.actor_id ? { id: e.actor_id, name: e.actor_name ?? e.actor_id } : null, data: e.data,
      at: new Date(e.created_at).toISOString(),
    })),
    earlierConcerns,
    possibleMatches: matches.rows.map((p) => ({ patientId: p.id, name: p.name, dateOfBirth: p.date_of_birth })),
  };
}
