import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { JobRunner } from '../jobs/job-runner.js';
import { schedule } from '../jobs/schedule.js';
import type { Logger } from '../logging.js';
import type { Priority } from '../concerns/priority.js';
import { ageAgainstTarget } from '../concerns/target-time.js';
import type { WorkingHours } from '../concerns/working-hours.js';
import { overduePromise } from '../oncall/contact-promise.js';
import type { Rota } from '../oncall/rota.js';
import { OVERDUE_CHECK_JOB, overdueKey } from './overdue-schedule.js';
import { concernToTell, tellPatient } from './tell-patient.js';
import { overdueText } from './update-texts.js';

const payload = z.object({ concernId: z.uuid() });

/** Never looks again sooner than this: a check that found a few seconds left does not spin. */
const MIN_RECHECK_SECONDS = 60;

export interface OverdueDeps {
  db: Database;
  clock: Clock;
  hours: WorkingHours;
  /** The rota as promises may use it (Paging.pagedRota: none when no page can be sent). */
  rota: { current(): Rota | undefined };
  logger: Logger;
}

/**
 * The overdue check (scheduled when a concern is raised, overdue-schedule.ts). Contact made (a claim or a
 * co-ordinator's reply), resolved, or already told: nothing. Not yet past its target (the priority changed, or
 * working time has not run out): it looks again when it could be. Past it: the person is told, once, whichever
 * instance gets there (the unique index of migration 030), in one commit with the job's "done".
 */
export function registerOverdueCheck(jobs: JobRunner, deps: OverdueDeps): void {
  const { db, clock, hours, rota, logger } = deps;
  jobs.register(OVERDUE_CHECK_JOB, async (job) => {
    const { concernId } = payload.parse(job.payload);
    await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ priority: Priority; status: string; created_at: Date | string; contacted: boolean }>(
        `select priority, status, created_at, exists (
           select 1 from concern_events e where e.concern_id = c.id and e.kind in ('claimed', 'reply', 'patient-told-overdue')
         ) as contacted
         from concerns c where id = $1 for update`,
        [concernId],
      );
      const row = rows[0];
      if (!row || row.status === 'resolved' || row.contacted) return job.complete(tx);
      const now = clock.now();
      const age = ageAgainstTarget(row.priority, new Date(row.created_at), now, hours);
      if (!age.overdue) {
        // Working minutes never run faster than the clock: the rest of the target is the soonest it can be overdue.
        const inSeconds = Math.max(MIN_RECHECK_SECONDS, (age.target - age.waited) * 60 + 1) + job.aheadSeconds;
        await job.complete(tx);
        await schedule(tx, { name: OVERDUE_CHECK_JOB, payload: { concernId }, inSeconds, singletonKey: overdueKey(concernId) });
        return;
      }
      const concern = (await concernToTell(tx, concernId))!;
      const whatNext = overduePromise({ priority: row.priority, now, hours, rota: rota.current() });
      const told = await tellPatient(tx, concern, {
        kind: 'patient-told-overdue', once: true, text: overdueText(concern.reference, age.targetLabel, whatNext),
        data: { priority: row.priority, target: age.targetLabel },
      });
      await job.complete(tx);
      logger.info({ event: 'patient-told-overdue', concernId, queued: told }, 'concern past its target time: the person is told');
    });
  });
}
