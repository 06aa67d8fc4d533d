import type { Queryable } from '../../db/database.js';
import { cancel, schedule } from '../../jobs/schedule.js';

/** The job that pages one step of a concern's chain (page-step.ts). */
export const PAGE_STEP_JOB = 'page-on-call';

/** Which concerns page anyone: the rest wait for the co-ordination team's working hours. */
export const PAGED_PRIORITIES: readonly string[] = ['emergency', 'urgent'];

/** One waiting step per concern: scheduling the chain again while it runs does nothing; cancelling it stops it. */
export const pagingKey = (concernId: string) => `paging:${concernId}`;

export interface PageStep {
  concernId: string;
  /** Each pass through primary, backup, final is a round, from 1. */
  round: number;
  /** The position in the chain as the rota gives it at the step's time, from 0. */
  step: number;
}

/**
 * Starts paging for a concern that needs it (emergency or urgent), at once. Pass the transaction that raised the
 * concern, so the page commits with it. A chain already under way is left as it is.
 */
export async function startPaging(q: Queryable, concern: { id: string; priority: string }): Promise<void> {
  if (!PAGED_PRIORITIES.includes(concern.priority)) return;
  const payload: PageStep = { concernId: concern.id, round: 1, step: 0 };
  // Pages never give up: a step that cannot send schedules the next itself (page-step.ts); these attempts are for
  // crashes only.
  await schedule(q, { name: PAGE_STEP_JOB, payload, singletonKey: pagingKey(concern.id), maxAttempts: 20 });
}

/** Stops a concern's chain (a claim or an acknowledgement): in the claim's transaction, so both commit or neither. */
export async function stopPaging(q: Queryable, concernId: string): Promise<void> {
  await cancel(q, pagingKey(concernId));
}
