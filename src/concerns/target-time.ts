import type { Priority } from './priority.js';
import { workingDayMinutes, workingMinutesBetween, type WorkingHours } from './working-hours.js';

/**
 * The team's targets for first contact, by priority. Emergencies and urgent items count every minute; "soon" and
 * "routine" count working time only (WORKING_HOURS), so a Friday evening item is not overdue on Monday morning.
 * (What the person is told to expect, src/concerns/priority.ts, is more cautious than these targets.)
 */
const TARGETS: Record<Priority, { minutes: number } | { workingDays: number }> = {
  emergency: { minutes: 15 },
  urgent: { minutes: 120 },
  soon: { workingDays: 1 },
  routine: { workingDays: 3 },
};

export interface AgeAgainstTarget {
  /** Minutes waited so far: every minute, or working minutes for a working-days target. */
  waited: number;
  target: number;
  /** The target counts working time only. */
  working: boolean;
  overdue: boolean;
  /** "15 minutes", "2 hours", "1 working day", "3 working days". */
  targetLabel: string;
}

export function ageAgainstTarget(priority: Priority, raisedAt: Date, now: Date, hours: WorkingHours): AgeAgainstTarget {
  const rule = TARGETS[priority];
  if ('minutes' in rule) {
    const waited = Math.max(0, (now.getTime() - raisedAt.getTime()) / 60_000);
    const targetLabel = rule.minutes < 60 ? `${rule.minutes} minutes` : `${rule.minutes / 60} hours`;
    return { waited, target: rule.minutes, working: false, overdue: waited > rule.minutes, targetLabel };
  }
  const waited = workingMinutesBetween(hours, raisedAt, now);
  const target = rule.workingDays * workingDayMinutes(hours);
  return { waited, target, working: true, overdue: waited > target, targetLabel: `${rule.workingDays} working day${rule.workingDays === 1 ? '' : 's'}` };
}
