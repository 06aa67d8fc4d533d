import type { Clock } from '../clock.js';
import type { Queryable } from '../db/database.js';
import type { Logger } from '../logging.js';
import { addConcernEvent } from '../concerns/sql/add-event.js';

/**
 * Something Carepoint had to deliver and gave up on: an SMS after its last retry today; an on-call page, or a
 * message on another channel, later. Kept (dead_letters, migration 012), noted on the concern it was about as a
 * concern event, and raised as an alert line, so that a failed send always ends somewhere a person looks.
 */
export interface DeadLetter {
  channel: string;
  /** What it was for (an outbox purpose: 'coordinator-message', 'on-call-page', ...). */
  purpose: string;
  /** The failed thing's own id in its channel (an outbox row id): a dead letter is raised once per id. */
  sourceId: string;
  concernId: string | null;
  conversationId: string | null;
  /** The last error, for the co-ordinator; stored, never logged (a provider's message can quote the number). */
  reason: string;
  /** A short code that can be logged (the provider's error code). */
  code?: string | number;
  attempts: number;
}

/**
 * Records the dead letter once and, when it was about a concern (named, or the conversation's latest unresolved
 * one), a 'dead-letter' event on it; then the alert line (`<channel>-dead-letter`, no number, no text).
 * Returns the dead letter's id and concern, or undefined when this one was already raised.
 */
export async function raiseDeadLetter(
  db: Queryable,
  clock: Clock,
  logger: Logger,
  letter: DeadLetter,
): Promise<{ id: string; concernId: string | null } | undefined> {
  const now = clock.now();
  const { rows } = await db.query<{ id: string; concern_id: string | null }>(
    `insert into dead_letters (channel, purpose, source_id, concern_id, conversation_id, reason, attempts, created_at)
     values ($1, $2, $3, coalesce($4::uuid, (select id from concerns where conversation_id = $5 and status <> 'resolved'
       order by created_at desc limit 1)), $5, $6, $7, $8)
     on conflict (channel, source_id) do nothing
     returning id, concern_id`,
    [letter.channel, letter.purpose, letter.sourceId, letter.concernId, letter.conversationId, letter.reason, letter.attempts, now],
  );
  if (rows[0]?.concern_id) {
    await addConcernEvent(db, {
      concernId: rows[0].concern_id, kind: 'dead-letter', at: now,
      data: { deadLetterId: Number(rows[0].id), channel: letter.channel, purpose: letter.purpose },
    });
  }
  const row = rows[0];
  if (!row) return undefined;
  const raised = { id: String(row.id), concernId: row.concern_id };
  logger.error(
    { event: `${letter.channel}-dead-letter`, deadLetterId: raised.id, purpose: letter.purpose, concernId: raised.concernId, attempts: letter.attempts, code: letter.code },
    'a message could not be delivered and was given up on',
  );
  return raised;
}
