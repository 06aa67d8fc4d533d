import { coverSpans } from './cover-timeline.js';
import type { Rota } from './rota.js';
import { DAY_MS, describeInstant, instantOfWallTime, wallTimeOf } from './wall-clock.js';
import type { RotaRead } from './rota-file.js';

export interface RotaCheck {
  /** Plain lines for a person: problems with file:line, each gap in cover, and a summary last. */
  lines: string[];
  /** Problems in the file, or no file, or gaps in the weeks checked. */
  failed: boolean;
}

/** Stretches of [from, to) when no one is on call. */
export function gapsBetween(rota: Rota, from: number, to: number): { start: number; end: number }[] {
  return coverSpans(rota, from, to).filter((s) => s.cover.source === 'gap').map(({ start, end }) => ({ start, end }));
}

/** `npm run rota -- check`: what is wrong with the file, or where cover is missing in the weeks from `from`. */
export function checkRota(read: RotaRead, path: string, from: Date, weeks: number): RotaCheck {
  if (read.status === 'missing') return { lines: [`${path}: no rota file: no one is on call`], failed: true };
  if (read.status === 'invalid') {
    const lines = read.problems.map((p) => `${p.file}:${p.line}: ${p.severity}: ${p.message}`);
    lines.push(`${read.problems.length} problem(s): the rota cannot be used until they are fixed`);
    return { lines, failed: true };
  }
  const { rota } = read;
  const start = from.getTime();
  // So many weeks on the wall clock: from Monday 00:00 to Monday 00:00, over a clock change too.
  const end = instantOfWallTime(wallTimeOf(start, rota.timeZone) + weeks * 7 * DAY_MS, rota.timeZone);
  const gaps = gapsBetween(rota, start, end);
  const when = (t: number) => describeInstant(t, rota.timeZone);
  const lines = gaps.map(
    (g) => `gap: ${when(g.start)} to ${when(g.end)} (${duration(g.end - g.start)}): no one on call, only the final contact (${rota.final.name})`,
  );
  lines.push(
    `${rota.people.size} people, ${rota.shifts.length} shift(s), ${rota.overrides.length} override(s); ` +
      `${weeks} week(s) from ${when(start)}: ${gaps.length === 0 ? 'covered throughout' : `${gaps.length} gap(s)`}`,
  );
  return { lines, failed: gaps.length > 0 };
}

/** "13 h", "45 min", "2 days 14 h 30 min". */
function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = [days ? `${days} day${days > 1 ? 's' : ''}` : '', hours ? `${hours} h` : '', rest ? `${rest} min` : ''];
  return parts.filter(Boolean).join(' ') || '0 min';
}
