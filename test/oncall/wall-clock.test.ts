import { describe, expect, it } from 'vitest';
import { dayNumber, describeInstant, instantAt, localDayOf, weekdayOf } from '../../src/oncall/wall-clock.js';

const LONDON = 'Europe/London';
const london = (y: number, m: number, d: number, time: string) => {
  const [h, min] = time.split(':').map(Number) as [number, number];
  return new Date(instantAt(dayNumber(y, m, d)!, h * 60 + min, LONDON)).toISOString();
};

describe('wall-clock time in Europe/London', () => {
  it.each([
    ['winter', 2026, 1, 15, '12:00', '2026-01-15T12:00:00.000Z'],
    ['summer', 2026, 7, 15, '12:00', '2026-07-15T11:00:00.000Z'],
    ['the last minute of GMT, spring 2026', 2026, 3, 29, '00:59', '2026-03-29T00:59:00.000Z'],
    ['the first minute of BST, spring 2026', 2026, 3, 29, '02:00', '2026-03-29T01:00:00.000Z'],
    ['the first minute after the repeated hour, autumn 2027', 2027, 10, 31, '02:00', '2027-10-31T02:00:00.000Z'],
  ])('%s', (_name, y, m, d, time, iso) => {
    expect(london(y, m, d, time)).toBe(iso);
  });

  it.each([
    [2026, 29],
    [2027, 28],
  ])('spring %i: a time in the skipped hour (01:00 to 01:59) is the moment the clocks go forward, 01:00 UTC', (year, day) => {
    for (const time of ['01:00', '01:01', '01:30', '01:59']) expect(london(year, 3, day, time)).toBe(`${year}-03-${day}T01:00:00.000Z`);
  });

  it.each([
    [2026, 25],
    [2027, 31],
  ])('autumn %i: a time in the repeated hour is its first occurrence, in BST', (year, day) => {
    expect(london(year, 10, day, '01:00')).toBe(`${year}-10-${day}T00:00:00.000Z`);
    expect(london(year, 10, day, '01:30')).toBe(`${year}-10-${day}T00:30:00.000Z`);
    expect(london(year, 10, day, '01:59')).toBe(`${year}-10-${day}T00:59:00.000Z`);
  });

  it('a later wall time is never an earlier instant, minute by minute over both changes of 2026', () => {
    for (const [m, d] of [[3, 28], [3, 29], [10, 24], [10, 25]] as const) {
      let previous = -Infinity;
      for (let minute = 0; minute < 1440; minute++) {
        const t = instantAt(dayNumber(2026, m, d)!, minute, LONDON);
        expect(t).toBeGreaterThanOrEqual(previous);
        previous = t;
      }
    }
  });

  it('knows the local day and weekday of an instant, and shows an instant as the clock did', () => {
    expect(weekdayOf(dayNumber(2026, 3, 29)!)).toBe(7);
    expect(weekdayOf(dayNumber(2026, 12, 21)!)).toBe(1);
    // 23:30 UTC on 1 July is 00:30 BST on the 2nd.
    expect(localDayOf(Date.parse('2026-07-01T23:30:00Z'), LONDON)).toBe(dayNumber(2026, 7, 2));
    expect(dayNumber(2026, 2, 30)).toBeUndefined();
    expect(describeInstant(Date.parse('2026-10-25T00:30:00Z'), LONDON)).toBe('Sun 25 Oct 2026 01:30 BST');
    expect(describeInstant(Date.parse('2026-10-25T01:30:00Z'), LONDON)).toBe('Sun 25 Oct 2026 01:30 GMT');
  });
});
