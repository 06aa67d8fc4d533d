import type { ExperienceFigures, Figures } from './experience-figures.js';

const COLUMNS: [string, (f: Figures, weekStart: string) => string | number | undefined][] = [
  ['pathway', (f) => f.pathway],
  ['iso_week', (f) => f.week],
  ['week_starts', (_f, monday) => monday],
  ['concerns_raised', (f) => f.raised],
  ['contacted', (f) => f.contacted],
  ['median_minutes_to_first_contact', (f) => round(f.medianMinutesToContact, 1)],
  ['first_contact_within_target', (f) => f.withinTarget],
  ['first_contact_past_target', (f) => f.pastTarget],
  ['proportion_within_target', (f) => round(f.proportionWithinTarget, 3)],
  ['resolved', (f) => f.resolved],
  ['resolved_first_time', (f) => f.resolvedFirstTime],
  ['proportion_resolved_first_time', (f) => round(f.proportionResolvedFirstTime, 3)],
  ['feedback_count', (f) => f.feedbackCount],
  ['feedback_mean', (f) => round(f.feedbackMean, 2)],
  ...[1, 2, 3, 4, 5].map((n): [string, (f: Figures) => number] => [`score_${n}`, (f) => f.scores[n - 1]!]),
  ['repeat_contacts', (f) => f.repeatContacts],
];

const round = (value: number | undefined, places: number) => (value === undefined ? undefined : Number(value.toFixed(places)));

/**
 * A cell as a spreadsheet will read it. Text starting with = + - @ (or a tab or carriage return) would be taken
 * as a formula: it is prefixed with an apostrophe, so it reads as the text it is. Cells with a comma, quote or
 * line break are quoted (RFC 4180). Numbers are written as they are (none is negative).
 */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One row per pathway and ISO week, as the page shows them (CRLF lines, a header row first). */
export function figuresCsv(figures: ExperienceFigures): string {
  const mondayOf = new Map(figures.weeks.map((w) => [w.label, w.monday]));
  const lines = [COLUMNS.map(([name]) => name).join(',')];
  for (const row of figures.byPathwayAndWeek) {
    lines.push(COLUMNS.map(([, value]) => csvCell(value(row, mondayOf.get(row.week ?? '') ?? ''))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** "carepoint-figures-2026-W38-to-2026-W49.csv", with the pathway when one was chosen. */
export function figuresFileName(figures: ExperienceFigures, pathway: string | undefined): string {
  const span = `${figures.weeks[0]!.label}-to-${figures.weeks.at(-1)!.label}`;
  return `carepoint-figures-${pathway ? `${pathway}-` : ''}${span}.csv`;
}
