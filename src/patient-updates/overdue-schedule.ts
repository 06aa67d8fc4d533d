import type { Queryable } from '../db/database.js';
import type { Priority } from '../concerns/priority.js';
import { cancel, schedule } from '../jobs/schedule.js';

/** The job that tells the person when their concern passes its target time with nobody in touch (overdue-job.ts). */
export const OVERDUE_CHECK_JOB = 'concern-overdue-check';

export const overdueKey = (concernId: string) => `${OVERDUE_CHECK_JOB}:${concernId}`;

/**
 * The earliest a concern can be overdue, in wall-clock minutes after it was raised: its target for minute targets
 * (src/concerns/target-time.ts); for working-day targets an hour (no working day is shorter), after which the check
 * works out the rest from WORKING_HOURS and looks again then.
 */
const FIRST_CHECK_MINUTES: Record<Priority, number> = { emergency: 15, urgent: 120, soon: 60, routine: 60 };

/** At the concern's raising, in its transaction: one waiting check per concern (raising it again adds none). */
export async function scheduleOverdueCheck(q: Queryable, concern: { id: string; priority: Priority }): Promise<void> {
  await schedule(q, { name: OVERDUE_CHECK_JOB, payload: { concernId: concern.id }, inSeconds: FIRST_CHECK_MINUTES[concern.priority] * 60 + 1, singletonKey: overdueKey(concern.id) });
}

/** The concern's priority (so its target) changed: the check runs at once and works out its new time. */
export async function recheckOverdue(q: Queryable, concernId: string): Promise<void> {
  await cancel(q, overdueKey(concernId));
  await schedule(q, { name: OVERDUE_CHECK_JOB, payload: { concernId }, singletonKey: overdueKey(concernId) });
}

/** Contact happened (a claim): no overdue message. */
export async function cancelOverdueCheck(q: Queryable, concernId: string): Promise<void> {
  await cancel(q, overdueKey(concernId));
}
