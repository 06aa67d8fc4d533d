import { startOfLocalDay } from '../working-hours.js';

/** An ISO week (Monday to Sunday) on the team's calendar. */
export interface IsoWeek {
  /** "2026-W49". */
  label: string;
  /** Its Monday, "2026-11-30". */
  monday: string;
  /** The instants it starts and ends (the next Monday's start), on the team's wall clock. */
  start: Date;
  end: Date;
}

const DAY_MS = 86_400_000;

const addDays = (isoDate: string, days: number) => new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** "2026-W49" for the week starting on that Monday: the ISO year is the one its Thursday is in. */
export function isoWeekLabel(monday: string): string {
  const thursday = new Date(Date.parse(`${monday}T00:00:00Z`) + 3 * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The `count` ISO weeks up to and including the one `now` is in, oldest first, on `timeZone`'s calendar. */
export function lastIsoWeeks(now: Date, count: number, timeZone: string): IsoWeek[] {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' })
    .formatToParts(now).map((p) => [p.type, p.value]));
  const today = `${parts.year}-${parts.month}-${parts.day}`;
  const isoDay = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(String(parts.weekday)) + 1;
  const thisMonday = addDays(today, 1 - isoDay);
  return Array.from({ length: count }, (_, i) => {
    const monday = addDays(thisMonday, (i - count + 1) * 7);
    return { label: isoWeekLabel(monday), monday, start: startOfLocalDay(monday, timeZone), end: startOfLocalDay(addDays(monday, 7), timeZone) };
  });
}
