import type { Rota } from './rota.js';
import { DAY_MS, instantAt, localDayOf, weekdayOf } from './wall-clock.js';

/** Who covers a stretch of time, and from what; `gap` when no one does. */
export type Cover =
  | { source: 'shift' | 'override'; primary: string; backup: string | undefined; line: number }
  | { source: 'gap' };

/** A stretch of time, [start, end) in milliseconds, with one cover throughout. */
export interface CoverSpan {
  start: number;
  end: number;
  cover: Cover;
}

interface Slot {
  start: number;
  end: number;
  cover: Cover & { source: 'shift' | 'override' };
}

/** Two covers are the same when the same people are on call (or no one is): where they came from may differ. */
export function sameCover(a: Cover, b: Cover): boolean {
  if (a.source === 'gap' || b.source === 'gap') return a.source === b.source;
  return a.primary === b.primary && a.backup === b.backup;
}

/** Every shift occurrence and override that overlaps [from, to). */
function slotsBetween(rota: Rota, from: number, to: number): Slot[] {
  const slots: Slot[] = [];
  // A shift lasts a day at most (25 hours on the October night), so one starting two days before can reach `from`.
  const firstDay = localDayOf(from, rota.timeZone) - 2;
  const lastDay = localDayOf(to, rota.timeZone);
  for (let day = firstDay; day <= lastDay; day++) {
    const weekday = weekdayOf(day);
    for (const shift of rota.shifts) {
      if (!shift.days.includes(weekday)) continue;
      const start = instantAt(day, shift.from, rota.timeZone);
      const end = instantAt(shift.to > shift.from ? day : day + 1, shift.to, rota.timeZone);
      // Empty only when it lies in the skipped hour of a March night (wall-clock.ts).
      if (start < end && start < to && end > from) {
        slots.push({ start, end, cover: { source: 'shift', primary: shift.primary, backup: shift.backup, line: shift.line } });
      }
    }
  }
  for (const o of rota.overrides) {
    if (o.from < to && o.to > from) slots.push({ start: o.from, end: o.to, cover: { source: 'override', primary: o.primary, backup: o.backup, line: o.line } });
  }
  return slots;
}

/** An override wins over the shifts; shifts never overlap (parse-rota.ts), so at most one of them covers `at`. */
function coverIn(slots: readonly Slot[], at: number): Cover {
  const covering = slots.filter((s) => s.start <= at && at < s.end);
  return (covering.find((s) => s.cover.source === 'override') ?? covering[0])?.cover ?? { source: 'gap' };
}

/** The cover at one instant. */
export function coverAt(rota: Rota, at: number): Cover {
  return coverIn(slotsBetween(rota, at, at + 1), at);
}

/**
 * [from, to) cut into spans of one cover each, in order; neighbouring spans with the same people are joined
 * (a span's `cover` is then the first one's, source and line). Cover changes only where a shift or override
 * starts or ends, so it is looked up once at each of those instants.
 */
export function coverSpans(rota: Rota, from: number, to: number): CoverSpan[] {
  const slots = slotsBetween(rota, from, to);
  const edges = new Set<number>([from]);
  for (const slot of slots) {
    if (slot.start > from && slot.start < to) edges.add(slot.start);
    if (slot.end > from && slot.end < to) edges.add(slot.end);
  }
  const sorted = [...edges].sort((a, b) => a - b);
  const spans: CoverSpan[] = [];
  sorted.forEach((start, i) => {
    const end = sorted[i + 1] ?? to;
    const cover = coverIn(slots, start);
    const last = spans.at(-1);
    if (last && sameCover(last.cover, cover)) last.end = end;
    else spans.push({ start, end, cover });
  });
  return spans;
}

/**
 * The first instant after `at` at which different people are on call (or no one, or someone again); undefined
 * when that never happens. Looked for a week at a time, up to two weeks past the last override: the shifts
 * repeat every week, and two weeks always hold one without a clock change.
 */
export function nextCoverChange(rota: Rota, at: number): number | undefined {
  const now = coverAt(rota, at);
  const lastOverride = rota.overrides.reduce((latest, o) => Math.max(latest, o.to), at);
  const horizon = Math.max(at, lastOverride) + 15 * DAY_MS;
  for (let from = at; from < horizon; from += 7 * DAY_MS) {
    const changed = coverSpans(rota, from, Math.min(from + 7 * DAY_MS, horizon)).find((span) => !sameCover(span.cover, now));
    if (changed) return changed.start;
  }
  return undefined;
}
