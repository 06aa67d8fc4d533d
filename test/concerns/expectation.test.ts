import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { expectationFor } from '../../src/concerns/priority.js';
import { defaultWorkingHours, isWorkingTime, parseWorkingHours } from '../../src/concerns/working-hours.js';
import { alertedNote } from '../../src/safety/emergency-reply.js';

const hours = defaultWorkingHours();
const WEEKDAY_10AM = new Date('2026-11-24T10:00:00Z'); // Tuesday, GMT
const WEEKDAY_11PM = new Date('2026-11-24T23:04:00Z');
const SATURDAY = new Date('2026-11-28T11:00:00Z');

describe('what a person is told to expect', () => {
  it('in working hours: contact today, and 111 if not heard by the end of the day, said once', () => {
    const text = expectationFor('urgent', WEEKDAY_10AM, hours);
    expect(text).toMatch(/aims to contact you today\. If you have not heard by 6pm/);
    expect(text.match(/111/g)).toHaveLength(1);
  });

  it('at 23:04 never promises today or a 6pm that has passed, and says when the team will see it', () => {
    const text = expectationFor('urgent', WEEKDAY_11PM, hours);
    expect(text).not.toMatch(/today|6pm,? or/);
    expect(text).toMatch(/works Monday to Friday, 8am to 6pm, so they will see this tomorrow from 8am/);
    expect(text).toMatch(/call NHS 111 now/);
    expect(text.match(/111/g)).toHaveLength(1);
  });

  it('on a Saturday says Monday', () => {
    expect(expectationFor('urgent', SATURDAY, hours)).toMatch(/see this on Monday from 8am/);
    expect(expectationFor('soon', SATURDAY, hours)).toMatch(/within 2 working days \(the team works Monday to Friday/);
  });

  it('follows the clock change: 07:30 UTC in July is 08:30 in London, in working hours', () => {
    expect(isWorkingTime(hours, new Date('2026-07-14T07:30:00Z'))).toBe(true);
    expect(isWorkingTime(hours, new Date('2026-11-24T07:30:00Z'))).toBe(false);
    expect(expectationFor('urgent', new Date('2026-11-24T07:30:00Z'), hours)).toMatch(/see this today from 8am/);
  });

  it('says "alerted" after an emergency only in working hours', () => {
    expect(alertedNote('CP-AAAAAA', 'sms', WEEKDAY_10AM, hours)).toMatch(/^I have also alerted the care co-ordination team \(ref CP-AAAAAA\)/);
    for (const at of [WEEKDAY_11PM, SATURDAY]) {
      const note = alertedNote('CP-AAAAAA', 'sms', at, hours);
      expect(note).not.toMatch(/alerted/);
      expect(note).toMatch(/passed this to the care co-ordination team's list \(ref CP-AAAAAA\); it is looked at in working hours .*Do not wait for us/);
    }
  });
});

describe('WORKING_HOURS', () => {
  it('defaults to Mon-Fri 08:00-18:00 in Europe/London, and a bad value names the variable', () => {
    const ok = parseConfig({});
    expect(ok.ok && ok.config.WORKING_HOURS).toEqual({ days: [1, 2, 3, 4, 5], start: 480, end: 1080, timeZone: 'Europe/London' });
    const custom = parseConfig({ WORKING_HOURS: 'Mon-Sat 09:00-17:30' });
    expect(custom.ok && custom.config.WORKING_HOURS).toMatchObject({ days: [1, 2, 3, 4, 5, 6], start: 540, end: 1050 });
    const bad = parseConfig({ WORKING_HOURS: '18:00-08:00' });
    expect(bad.ok ? [] : bad.errors).toEqual([expect.stringMatching(/^WORKING_HOURS: the end time must be after the start time/)]);
    expect(parseWorkingHours('Mon-Fri 08:00-18:00 Mars/Olympus')).toMatch(/unknown time zone/);
  });
});
