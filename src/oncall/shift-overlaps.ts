import type { Shift } from './rota.js';

const DAY = 1440;
const WEEK = 7 * DAY;
const LONG_DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** How long a shift runs on the wall clock, in minutes: overnight when `to` is not after `from` (equal: 24 hours). */
export function wallMinutes(shift: Pick<Shift, 'from' | 'to'>): number {
  return shift.to > shift.from ? shift.to - shift.from : shift.to + DAY - shift.from;
}

export interface ShiftOverlap {
  /** Indexes into the shifts given: `later` comes after `earlier` in the file. */
  earlier: number;
  later: number;
  /** The first stretch both cover, on the wall clock: "Monday 17:00 to 18:00". */
  when: string;
}

/**
 * Pairs of shifts that cover the same wall-clock time in the week. Checked on the wall clock: instants follow
 * wall time in order (wall-clock.ts), so shifts apart on the wall clock are apart in time, clock changes or not.
 */
export function shiftOverlaps(shifts: readonly Pick<Shift, 'days' | 'from' | 'to'>[]): ShiftOverlap[] {
  // Each occurrence as minutes into the week (Monday 00:00 is 0); one that runs past Sunday night ends after WEEK.
  const spans = shifts.map((s) => s.days.map((d) => [(d - 1) * DAY + s.from, (d - 1) * DAY + s.from + wallMinutes(s)] as const));
  const overlaps: ShiftOverlap[] = [];
  for (let later = 0; later < shifts.length; later++) {
    for (let earlier = 0; earlier < later; earlier++) {
      const common = firstCommon(spans[earlier]!, spans[later]!);
      if (common) overlaps.push({ earlier, later, when: describeSpan(common[0], common[1]) });
    }
  }
  return overlaps;
}

function firstCommon(a: readonly (readonly [number, number])[], b: readonly (readonly [number, number])[]): [number, number] | undefined {
  let first: [number, number] | undefined;
  for (const [as, ae] of a) {
    for (const [bs, be] of b) {
      // The week wraps: compare with the other's occurrence a week earlier and later too.
      for (const shift of [-WEEK, 0, WEEK]) {
        const start = Math.max(as, bs + shift);
        const end = Math.min(ae, be + shift);
        if (start < end && (!first || start < first[0])) first = [start, end];
      }
    }
  }
  return first;
}

function describeSpan(start: number, end: number): string {
  const at = (m: number) => {
    const minutes = ((m % WEEK) + WEEK) % WEEK;
    const clock = `${String(Math.floor((minutes % DAY) / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
    return { day: LONG_DAYS[Math.floor(minutes / DAY)]!, clock };
  };
  const from = at(start);
  const to = at(end);
  return end - start <= DAY && (from.day === to.day || to.clock === '00:00')
    ? `${from.day} ${from.clock} to ${to.clock}`
    : `${from.day} ${from.clock} to ${to.day} ${to.clock}`;
}
