import type { Clock } from '../../clock.js';
import type { Queryable } from '../../db/database.js';
import { storableJson } from '../../db/storable.js';
import { startPaging } from '../../oncall/paging/start-paging.js';
import { COLUMNS, toItem, type ConcernRow, type QueueItem, type Requester, type TranscriptEntry } from '../concern-queue.js';
import type { ConcernDetails } from '../model.js';
import type { Priority } from '../priority.js';

const RANK = (p: string) => `(case ${p} when 'emergency' then 0 when 'urgent' then 1 when 'soon' then 2 else 3 end)`;

/**
 * The concern dialog's answers for a person who asked for a co-ordinator first ("talk to someone"): they go on the
 * wants-a-person concern that request raised (the conversation's newest open one, with no details yet), not on a
 * second concern. Its priority is raised, never lowered, to what the answers say; an urgent one then pages the
 * person on call, as a new one would. Undefined when there is no such concern (the dialog then submits a new one).
 * The submission id is kept on it: the same answers submitted again find it through submitConcern's own check.
 */
export async function addDetailsToWantsAPerson(
  db: Queryable,
  clock: Clock,
  input: Requester & { submissionId: string; priority: Priority; details: ConcernDetails; summary: string; transcript: TranscriptEntry[] },
): Promise<QueueItem | undefined> {
  const { rows } = await db.query<ConcernRow>(
    `with target as (
       select id as target_id from concerns
       where conversation_id = $1 and status <> 'resolved' and submission_id is null
         and details->>'wantsAPerson' = 'true' and not (details ? 'description')
       order by created_at desc limit 1
       for update
     ), updated as (
       update concerns k set details = k.details || $2::jsonb, summary = $3, transcript = $4::jsonb, submission_id = $5,
         priority = case when ${RANK('$6::text')} < ${RANK('k.priority')} then $6 else k.priority end, updated_at = $7
       from target where k.id = target.target_id
       returning ${COLUMNS}
     ), noted as (
       insert into concern_events (concern_id, kind, data, created_at)
       select id, 'wants-a-person', jsonb_build_object('details', 'given', 'priority', $6::text), $7 from updated
     )
     select * from updated`,
    [input.conversationId, storableJson(input.details), input.summary, storableJson(input.transcript), input.submissionId, input.priority, clock.now()],
  );
  if (!rows[0]) return undefined;
  const item = toItem(rows[0]);
  if (item.status === 'open') await startPaging(db, item);
  return item;
}
