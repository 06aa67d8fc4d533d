import { z } from 'zod';
import type { Database } from '../db/database.js';
import type { JobRunner } from '../jobs/job-runner.js';
import { schedule } from '../jobs/schedule.js';
import type { Logger } from '../logging.js';
import { expireLeases } from '../concerns/sql/expire-leases.js';
import { endHandoff, HANDOFF_LEASE_JOB } from './handoff.js';
import { handoffOfConcern } from './sql/holder.js';

const payload = z.object({ concernId: z.uuid() });

/**
 * A handoff lasts while its claim does: when the claim's lease runs out (nobody worked on the concern for
 * CLAIM_LEASE_MINUTES), the person is handed back to the assistant and told. The check runs when the lease
 * would end, and looks again later if the co-ordinator's activity renewed it.
 */
export function registerHandoffLeaseCheck(jobs: JobRunner, deps: { db: Database; logger: Logger }): void {
  const { db, logger } = deps;
  jobs.register(HANDOFF_LEASE_JOB, async (job) => {
    const { concernId } = payload.parse(job.payload);
    await db.transaction(async (tx) => {
      if (!(await handoffOfConcern(tx, concernId))) return;
      const { rows } = await tx.query<{ status: string; left_seconds: number | null }>(
        `select status, extract(epoch from claimed_until - now())::float8 as left_seconds from concerns where id = $1`,
        [concernId],
      );
      const row = rows[0];
      if (row?.status === 'claimed' && row.left_seconds !== null && row.left_seconds >= 0) {
        await schedule(tx, { name: HANDOFF_LEASE_JOB, payload: { concernId }, inSeconds: row.left_seconds + 1, singletonKey: `${HANDOFF_LEASE_JOB}:${concernId}` });
        return;
      }
      await expireLeases(tx);
      if (await endHandoff(tx, concernId, row?.status === 'resolved' ? 'resolved' : 'lease-expired', null)) {
        logger.info({ event: 'handoff-ended', concernId, reason: 'lease-expired' }, 'claim ran out: person handed back to the assistant');
      }
    });
  });
}
