import type { Queryable } from '../../db/database.js';
import { storableJson } from '../../db/storable.js';
import type { Requester, TranscriptEntry } from '../../concerns/concern-queue.js';
import { newReference } from '../../concerns/reference.js';
import { scheduleOverdueCheck } from '../../patient-updates/overdue-schedule.js';

/** The conversation's newest unresolved concern, if any. */
export async function openConcernOf(q: Queryable, conversationId: string): Promise<{ id: string; reference: string } | undefined> {
  const { rows } = await q.query<{ id: string; reference: string }>(
    `select id, reference from concerns where conversation_id = $1 and status <> 'resolved' order by created_at desc limit 1`,
    [conversationId],
  );
  return rows[0];
}

/**
 * The person asked for a live person: their open concern is flagged `wants-a-person`, or a 'soon' concern is
 * raised with the recent transcript when they have none. The flag (details.wantsAPerson) shows in the queue.
 */
export async function flagWantsAPerson(
  tx: Queryable,
  input: Requester & { transcript: TranscriptEntry[]; at: Date },
): Promise<{ id: string; reference: string; raised: boolean }> {
  const open = await openConcernOf(tx, input.conversationId);
  if (open) {
    await tx.query(`update concerns set details = details || '{"wantsAPerson": true}'::jsonb, updated_at = now() where id = $1`, [open.id]);
    await tx.query(`insert into concern_events (concern_id, kind) values ($1, 'wants-a-person')`, [open.id]);
    return { ...open, raised: false };
  }
  const { rows } = await tx.query<{ id: string; reference: string }>(
    `insert into concerns (reference, priority, channel, conversation_id, requester_key, details, transcript, summary, source_key, created_at, updated_at)
     values ($1, 'soon', $2, $3, $4, '{"wantsAPerson": true}'::jsonb, $5::jsonb, 'Asked to talk to a person (wants-a-person)', $6, $7, $7)
     returning id, reference`,
    [newReference(), input.channel, input.conversationId, input.requesterKey, storableJson(input.transcript), input.sourceKey ?? null, input.at],
  );
  const raised = rows[0]!;
  await tx.query(
    `insert into concern_events (concern_id, kind, data) values ($1, 'raised', '{"priority": "soon"}'::jsonb), ($1, 'wants-a-person', '{}'::jsonb)`,
    [raised.id],
  );
  await scheduleOverdueCheck(tx, { id: raised.id, priority: 'soon' });
  return { ...raised, raised: true };
}
