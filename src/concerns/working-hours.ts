/**
 * When the care co-ordination team works (the WORKING_HOURS setting). Until on-call promises come from a rota,
 * what Carepoint tells a person to expect is worked out from these hours and the time of day, so that it never
 * promises a time that has already passed. Times are read on the team's wall clock (Intl, so the clock changes
 * are the time zone's, not ours).
 */
export interface WorkingHours {
  /** ISO weekdays the team works: 1 Monday ... 7 Sunday. */
  days: number[];
  /** Minutes after midnight, local time. */
  start: number;
  end: number;
  timeZone: string;
}

export const DEFAULT_WORKING_HOURS = 'Mon-Fri 08:00-18:00 Europe/London';

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const LONG_DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/**
 * Reads "Mon-Fri 08:00-18:00 Europe/London" (days and time zone optional: Mon-Fri, Europe/London); a reason
 * string when it cannot.
 */
export function parseWorkingHours(text: string): WorkingHours | string {
  const m = text.trim().match(/^(?:([A-Za-z]{3})(?:-([A-Za-z]{3}))?\s+)?(\d{2}):(\d{2})-(\d{2}):(\d{2})(?:\s+(\S+))?$/);
  if (!m) return 'must look like "Mon-Fri 08:00-18:00 Europe/London" (days and time zone may be left out)';
  const dayOf = (name: string) => DAY_NAMES.findIndex((d) => d.toLowerCase() === name.toLowerCase()) + 1;
  const first = m[1] ? dayOf(m[1]) : 1;
  const last = m[1] ? (m[2] ? dayOf(m[2]) : first) : 5;
  if (first === 0 || last === 0 || last < first) return 'days must be like Mon-Fri (Mon, Tue, Wed, Thu, Fri, Sat, Sun, in order)';
  const [sh, sm, eh, em] = [m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number];
  if (sh > 23 || eh > 24 || sm > 59 || em > 59) return 'times must be 24-hour clock times like 08:00-18:00';
  const start = sh * 60 + sm;
  const end = eh * 60 + em;
  if (end <= start) return 'the end time must be after the start time';
  const timeZone = m[7] ?? 'Europe/London';
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
  } catch {
    return `unknown time zone "${timeZone}"`;
  }
  const days: number[] = [];
  for (let d = first; d <= last; d++) days.push(d);
  return { days, start, end, timeZone };
}

export function defaultWorkingHours(): WorkingHours {
  return parseWorkingHours(DEFAULT_WORKING_HOURS) as WorkingHours;
}

export function isWorkingTime(hours: WorkingHours, at: Date): boolean {
  const { day, minutes } = wallClock(at.getTime(), hours.timeZone);
  return hours.days.includes(day) && minutes >= hours.start && minutes < hours.end;
}

/** "8am", "6pm", "8:30am". */
export function clockTime(minutes: number): string {
  const h = Math.floor(minutes / 60) % 24;
  const m = minutes % 60;
  const suffix = h < 12 ? 'am' : 'pm';
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return `${h12}${m ? `:${String(m).padStart(2, '0')}` : ''}${suffix}`;
}

/** "Monday to Friday, 8am to 6pm". */
export function describeWorkingHours(hours: WorkingHours): string {
  const first = LONG_DAY_NAMES[hours.days[0]! - 1]!;
  const last = LONG_DAY_NAMES[hours.days.at(-1)! - 1]!;
  const days = hours.days.length === 1 ? first : `${first} to ${last}`;
  return `${days}, ${clockTime(hours.start)} to ${clockTime(hours.end)}`;
}

/**
 * When the team next starts work, said from now: "later this morning at 8am", "tomorrow morning" or
 * "on Monday morning". Only meaningful outside working time.
 */
export function nextOpening(hours: WorkingHours, at: Date): string {
  const { day, minutes } = wallClock(at.getTime(), hours.timeZone);
  if (hours.days.includes(day) && minutes < hours.start) return `today from ${clockTime(hours.start)}`;
  for (let ahead = 1; ahead <= 7; ahead++) {
    const next = ((day - 1 + ahead) % 7) + 1;
    if (!hours.days.includes(next)) continue;
    return ahead === 1 ? `tomorrow from ${clockTime(hours.start)}` : `on ${LONG_DAY_NAMES[next - 1]} from ${clockTime(hours.start)}`;
  }
  return 'in working hours';
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** The weekday (1-7) and minutes after midnight, to the second, on the team's wall clock. */
function wallClock(at: number, timeZone: string): { day: number; minutes: number } {
  let format = clockFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    clockFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const weekday = parts.find((p) => p.type === 'weekday')?.value ?? '';
  return { day: DAY_NAMES.indexOf(weekday) + 1, minutes: part('hour') * 60 + part('minute') + part('second') / 60 + (at % 1000) / 60_000 };
}

/** How long the team's working day is, in minutes (what "one working day" means for a target). */
export function workingDayMinutes(hours: WorkingHours): number {
  return hours.end - hours.start;
}

/**
 * Minutes of the team's working time between two instants (0 when `to` is not after `from`): time in working
 * hours on working days, read on the team's wall clock. Steps a working stretch or a gap at a time; stops
 * counting after about four years, long past any target.
 */
export function workingMinutesBetween(hours: WorkingHours, from: Date, to: Date): number {
  const end = to.getTime();
  let at = from.getTime();
  let total = 0;
  for (let steps = 0; at < end && steps < 5000; steps++) {
    const { day, minutes } = wallClock(at, hours.timeZone);
    const workingDay = hours.days.includes(day);
    if (workingDay && minutes >= hours.start && minutes < hours.end) {
      const stop = Math.min(end, at + (hours.end - minutes) * 60_000);
      total += (stop - at) / 60_000;
      at = stop;
    } else if (workingDay && minutes < hours.start) {
      at += (hours.start - minutes) * 60_000;
    } else {
      at += (24 * 60 - minutes) * 60_000; // to the next midnight (a clock change is put right on the next step)
    }
  }
  return total;
}

/** The instant a calendar day ("2026-12-03") begins on the team's wall clock. */
export function startOfLocalDay(isoDate: string, timeZone: string): Date {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const midnightUtc = Date.UTC(y, m - 1, d);
  // The zone's offset there, read off its wall clock; twice, in case midnight is across a clock change.
  const offsetAt = (at: number) => {
    const parts = Object.fromEntries(new Intl.DateTimeFormat('en-GB', {
      timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    }).formatToParts(at).map((p) => [p.type, p.value]));
    return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second)) - at;
  };
  const guess = midnightUtc - offsetAt(midnightUtc);
  return new Date(midnightUtc - offsetAt(guess));
}
