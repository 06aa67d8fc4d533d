import type { Queryable } from '../db/database.js';
import { storableText } from '../db/storable.js';

/** One claim of a job: the id and the attempt it was claimed as. A later claim (after the lease) is another. */
export type JobClaim = { id: string; attempts: number };

/** Done, if this claim still holds the job. False: it was cancelled, or its lease ran out and another runner has it. */
export async function completeJob(q: Queryable, claim: JobClaim): Promise<boolean> {
  const { rows } = await q.query(
    `update jobs set state = 'done', finished_at = now(), locked_by = null, locked_until = null
     where id = $1 and attempts = $2 and state = 'running'
     returning id`,
    [claim.id, claim.attempts],
  );
  return rows.length > 0;
}

export type FailedOutcome = 'retry' | 'dead' | 'superseded' | 'lost';

/**
 * After a failed run: waiting again `retryInSeconds` from the (shifted) database time, or dead on its last
 * attempt. A job whose key was scheduled anew while it ran (a handler starting its chain's next step, then
 * failing) is not retried beside that one: 'superseded' (cancelled). 'lost': this claim no longer held it.
 * The error message is kept in last_error, never logged.
 */
export async function failJob(
  q: Queryable,
  claim: JobClaim,
  failure: { error: string; retryInSeconds: number; aheadSeconds: number },
): Promise<FailedOutcome> {
  const { rows } = await q.query<{ outcome: FailedOutcome }>(
    `with outcome as (
       select j.id, case
         when j.attempts >= j.max_attempts then 'dead'
         when j.singleton_key is not null and exists (
           select 1 from jobs o where o.singleton_key = j.singleton_key and o.state = 'pending' and o.id <> j.id) then 'superseded'
         else 'retry' end as outcome
       from jobs j where j.id = $1 and j.attempts = $2 and j.state = 'running'
     )
     update jobs j set
       state = case o.outcome when 'retry' then 'pending' when 'dead' then 'dead' else 'cancelled' end,
       run_at = case when o.outcome = 'retry' then now() + make_interval(secs => $3::float8) else j.run_at end,
       finished_at = case when o.outcome = 'retry' then null else now() end,
       locked_by = null, locked_until = null, last_error = $4
     -- Checked again on the row itself: a cancel that committed meanwhile stands.
     from outcome o where j.id = o.id and j.attempts = $2 and j.state = 'running'
     returning o.outcome`,
    [claim.id, claim.attempts, failure.aheadSeconds + failure.retryInSeconds, storableText(failure.error).slice(0, 2_000)],
  );
  return rows[0]?.outcome ?? 'lost';
}
