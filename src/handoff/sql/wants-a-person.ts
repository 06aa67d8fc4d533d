import type { Queryable } from '../../db/database.js';
import { storableJson } from '../../db/storable.js';
import type { Requester, TranscriptEntry } from '../../concerns/concern-queue.js';
import type { Priority } from '../../concerns/priority.js';
import { newReference } from '../../concerns/reference.js';
import { scheduleOverdueCheck } from '../../patient-updates/overdue-schedule.js';

export interface WantsAPersonConcern {
  id: string;
  reference: string;
  priority: Priority;
  /** Raised by this request (false: an open concern was flagged). */
  raised: boolean;
  /** The concern has its details already (a concern the dialog collected): nothing to offer to take. */
  hasDetails: boolean;
}

/**
 * The person asked for a live person: the conversation's newest open concern is flagged `wants-a-person`, or a
 * 'soon' concern is raised with the recent transcript when there is none. The flag (details.wantsAPerson) shows
 * in the queue; the concern dialog's answers given afterwards go on a raised one (src/concerns/sql/add-details.ts).
 */
export async function flagWantsAPerson(
  tx: Queryable,
  input: Requester & { transcript: TranscriptEntry[]; at: Date },
): Promise<WantsAPersonConcern> {
  const { rows: open } = await tx.query<{ id: string; reference: string; priority: Priority; has_details: boolean }>(
    `update concerns set details = details || '{"wantsAPerson": true}'::jsonb, updated_at = now()
     where id = (select id from concerns where conversation_id = $1 and status <> 'resolved' order by created_at desc limit 1)
     returning id, reference, priority, (details ? 'description') as has_details`,
    [input.conversationId],
  );
  if (open[0]) {
    await tx.query(`insert into concern_events (concern_id, kind) values ($1, 'wants-a-person')`, [open[0].id]);
    return { id: open[0].id, reference: open[0].reference, priority: open[0].priority, raised: false, hasDetails: open[0].has_details };
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
  return { ...raised, priority: 'soon', raised: true, hasDetails: false };
}
