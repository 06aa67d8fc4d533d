import { describe, expect, it } from 'vitest';
import { ageAgainstTarget } from '../../src/concerns/target-time.js';
import { parseWorkingHours, startOfLocalDay, workingMinutesBetween, type WorkingHours } from '../../src/concerns/working-hours.js';

/** Waiting against the team's targets: emergency 15 minutes, urgent 2 hours, soon 1 working day, routine 3. */

const hours = parseWorkingHours('Mon-Fri 08:00-18:00 Europe/London') as WorkingHours;
// 2026-12-04 is a Friday; London is on GMT in December and BST in June.
const at = (text: string) => new Date(text);

describe('working time', () => {
  it('counts only working hours on working days, on the team wall clock', () => {
    expect(workingMinutesBetween(hours, at('2026-12-04T09:00:00Z'), at('2026-12-04T10:30:00Z'))).toBe(90);
    // Friday 17:00 to Monday 09:00: an hour on Friday, an hour on Monday.
    expect(workingMinutesBetween(hours, at('2026-12-04T17:00:00Z'), at('2026-12-07T09:00:00Z'))).toBe(120);
    // Overnight on a weekday: nothing.
    expect(workingMinutesBetween(hours, at('2026-12-03T19:00:00Z'), at('2026-12-04T07:59:00Z'))).toBe(0);
    // British Summer Time: 08:00 in London is 07:00 UTC.
    expect(workingMinutesBetween(hours, at('2026-06-05T06:00:00Z'), at('2026-06-05T08:00:00Z'))).toBe(60);
    // Across the October clock change (Sunday 25th): Friday 17:00 BST to Monday 09:00 GMT.
    expect(workingMinutesBetween(hours, at('2026-10-23T16:00:00Z'), at('2026-10-26T09:00:00Z'))).toBe(120);
    expect(workingMinutesBetween(hours, at('2026-12-04T10:00:00Z'), at('2026-12-04T09:00:00Z'))).toBe(0);
  });

  it('finds where a day starts on the team calendar', () => {
    expect(startOfLocalDay('2026-12-04', 'Europe/London').toISOString()).toBe('2026-12-04T00:00:00.000Z');
    expect(startOfLocalDay('2026-06-05', 'Europe/London').toISOString()).toBe('2026-06-04T23:00:00.000Z');
    expect(startOfLocalDay('2026-03-29', 'Europe/London').toISOString()).toBe('2026-03-29T00:00:00.000Z');
  });
});

describe('age against the target', () => {
  it('counts every minute for emergencies and urgent items', () => {
    const raised = at('2026-12-05T03:00:00Z'); // a Saturday night
    expect(ageAgainstTarget('emergency', raised, at('2026-12-05T03:14:00Z'), hours)).toMatchObject({ overdue: false, targetLabel: '15 minutes' });
    expect(ageAgainstTarget('emergency', raised, at('2026-12-05T03:16:00Z'), hours)).toMatchObject({ overdue: true, working: false });
    expect(ageAgainstTarget('urgent', raised, at('2026-12-05T05:01:00Z'), hours)).toMatchObject({ overdue: true, targetLabel: '2 hours' });
  });

  it('counts working days for soon and routine: a Friday evening item is not overdue on Monday morning', () => {
    const friday = at('2026-12-04T17:30:00Z');
    expect(ageAgainstTarget('soon', friday, at('2026-12-07T11:00:00Z'), hours)).toMatchObject({ waited: 210, target: 600, overdue: false, targetLabel: '1 working day' });
    expect(ageAgainstTarget('soon', friday, at('2026-12-08T08:00:00Z'), hours)).toMatchObject({ overdue: true });
    expect(ageAgainstTarget('routine', friday, at('2026-12-09T17:00:00Z'), hours)).toMatchObject({ target: 1800, overdue: false, targetLabel: '3 working days' });
    expect(ageAgainstTarget('routine', friday, at('2026-12-10T09:00:00Z'), hours)).toMatchObject({ overdue: true });
  });
});
