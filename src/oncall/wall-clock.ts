/**
 * Wall-clock time in a time zone, from the platform's Intl (Node's ICU carries the IANA time zone data, so
 * the clock changes are the zone's own, never a table of ours).
 *
 * A local date is a day number (days since 1970-01-01), a time of day is minutes after midnight, and a wall
 * time is the two together as milliseconds "as if UTC". Turning a wall time into an instant needs a rule for
 * the two kinds of wall time that are not exactly one instant (Europe/London's examples):
 *
 * - **Skipped** (the last Sunday of March, 01:00 to 01:59 do not exist: at 01:00 UTC the clocks go from
 *   01:00 GMT to 02:00 BST): such a time means the moment the clocks go forward, 01:00 UTC (02:00 BST).
 *   So 01:30 is 02:00 BST, not 02:30 (iCalendar's and Temporal's "compatible" rule): with ours, a later wall
 *   time is never an earlier instant, so shifts that do not overlap on the wall clock never overlap in time,
 *   and shifts that meet on the wall clock still meet. Cover for the skipped hour is simply not needed.
 * - **Repeated** (the last Sunday of October, 01:00 to 01:59 happen twice: at 01:00 UTC the clocks go from
 *   02:00 BST back to 01:00 GMT): such a time means its first occurrence, in BST (as iCalendar and Temporal).
 *   01:30 is 00:30 UTC. A shift ending at 01:30 that night ends at the first 01:30, and one starting at 01:30
 *   starts then; a shift from 18:00 to 08:00 over that night lasts 15 hours, over the March night 13.
 */

import { LRUCache } from 'lru-cache';

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone, year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/** The wall time of an instant, in milliseconds as if the wall clock were UTC. */
export function wallTimeOf(instant: number, timeZone: string): number {
  const parts = formatFor(timeZone).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wholeSeconds = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wholeSeconds + (((instant % 1000) + 1000) % 1000);
}

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  return wallTimeOf(instant, timeZone) - instant;
}

// Intl takes tens of microseconds a call, and a rota asks for the same shift boundaries again and again.
const instants = new LRUCache<string, number>({ max: 20_000 });

/** The instant a wall time stands for, by the rules at the top of this file. */
export function instantOfWallTime(wallTime: number, timeZone: string): number {
  const key = `${timeZone} ${wallTime}`;
  let instant = instants.get(key);
  if (instant === undefined) {
    instant = computeInstant(wallTime, timeZone);
    instants.set(key, instant);
  }
  return instant;
}

function computeInstant(wallTime: number, timeZone: string): number {
  // The offsets a day either side: a zone changes its clocks at most once in two days.
  const before = offsetAt(wallTime - DAY_MS, timeZone);
  const after = offsetAt(wallTime + DAY_MS, timeZone);
  const candidates = [wallTime - before, wallTime - after].filter((t) => offsetAt(t, timeZone) === wallTime - t);
  // Repeated: both are this wall time; the first occurrence. Ordinary: one is.
  if (candidates.length > 0) return Math.min(...candidates);
  // Skipped: the moment of the change, between the last instant on the old offset and the first on the new.
  let old = wallTime - after;
  let changed = wallTime - before;
  while (changed - old > MINUTE_MS) {
    const middle = old + Math.floor((changed - old) / (2 * MINUTE_MS)) * MINUTE_MS;
    if (offsetAt(middle, timeZone) === before) old = middle;
    else changed = middle;
  }
  return changed;
}

/** The local day number (days since 1970-01-01) of an instant. */
export function localDayOf(instant: number, timeZone: string): number {
  return Math.floor(wallTimeOf(instant, timeZone) / DAY_MS);
}

/** The instant of `minutes` after midnight on local day `day`. */
export function instantAt(day: number, minutes: number, timeZone: string): number {
  return instantOfWallTime(day * DAY_MS + minutes * MINUTE_MS, timeZone);
}

/** ISO weekday of a day number: 1 Monday ... 7 Sunday (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 3) % 7) + 7) % 7 + 1;
}

/** The day number of a calendar date; undefined when there is no such date (30 February). */
export function dayNumber(year: number, month: number, day: number): number | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date.getTime() / DAY_MS;
}

const describeFormats = new Map<string, Intl.DateTimeFormat>();

/** "Sat 28 Mar 2026 18:00 GMT": how the rota tool shows an instant. */
export function describeInstant(instant: number, timeZone: string): string {
  let format = describeFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone, weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short',
    });
    describeFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')} ${part('hour')}:${part('minute')} ${part('timeZoneName')}`;
}
