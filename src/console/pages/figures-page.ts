import { labelOf, PATHWAYS } from '../../concerns/model.js';
import { NO_PATHWAY, type ExperienceFigures, type Figures } from '../../concerns/figures/experience-figures.js';
import { barChart, type Bar } from './bar-chart.js';
import { duration, escapeHtml } from './html.js';

/** The periods the page offers, in weeks (the default first). */
export const FIGURE_PERIODS = [12, 4, 26, 52] as const;

export interface FiguresFilters {
  weeks: number;
  pathway?: string;
}

export interface FiguresView {
  figures: ExperienceFigures;
  filters: FiguresFilters;
}

export const pathwayLabel = (p: string | undefined) => (p === undefined ? 'All pathways' : p === NO_PATHWAY ? 'Not given' : labelOf(p));
const percent = (v: number | undefined) => (v === undefined ? 'none' : `${Math.round(v * 100)}%`);
const mean = (v: number | undefined) => (v === undefined ? 'none' : v.toFixed(1));
const minutes = (v: number | undefined) => (v === undefined ? 'none' : duration(v));
const shortWeek = (label: string) => label.slice(5); // "W49"

export function figuresQuery(filters: FiguresFilters): string {
  const params = new URLSearchParams({ weeks: String(filters.weeks) });
  if (filters.pathway) params.set('pathway', filters.pathway);
  return `?${params.toString()}`;
}

function filterForm(view: FiguresView): string {
  const { weeks, pathway } = view.filters;
  const periods = FIGURE_PERIODS.map((w) => `<option value="${w}"${w === weeks ? ' selected' : ''}>Last ${w} weeks</option>`).join('');
  const pathways = [`<option value="">All pathways</option>`,
    ...[...PATHWAYS, NO_PATHWAY].map((p) => `<option value="${p}"${p === pathway ? ' selected' : ''}>${escapeHtml(pathwayLabel(p))}</option>`)].join('');
  return `<form method="get" action="/console/figures" class="carepoint-filters" aria-label="Choose the figures">
<fieldset class="nhsuk-fieldset"><legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Choose the figures</legend>
<div class="carepoint-filters__fields">
<div class="nhsuk-form-group carepoint-filter"><label class="nhsuk-label" for="figures-weeks">Period</label>
<select class="nhsuk-select" id="figures-weeks" name="weeks">${periods}</select></div>
<div class="nhsuk-form-group carepoint-filter"><label class="nhsuk-label" for="figures-pathway">Pathway</label>
<select class="nhsuk-select" id="figures-pathway" name="pathway">${pathways}</select></div>
</div></fieldset>
<div class="carepoint-actions-row"><button class="nhsuk-button nhsuk-button--secondary" type="submit">Show figures</button>
<a class="nhsuk-link" href="/console/figures.csv${escapeHtml(figuresQuery(view.filters))}" download>Download these figures (CSV, one row per pathway and week)</a></div>
</form>`;
}

function table(id: string, caption: string, headers: string[], rows: string[][]): string {
  const head = headers.map((h, i) => `<th class="nhsuk-table__header${i ? ' nhsuk-table__header--numeric' : ''}" scope="col">${h}</th>`).join('');
  const body = rows.map((cells) => `<tr class="nhsuk-table__row">${cells.map((c, i) => (i
    ? `<td class="nhsuk-table__cell nhsuk-table__cell--numeric">${c}</td>`
    : `<th class="nhsuk-table__header" scope="row">${c}</th>`)).join('')}</tr>`).join('\n');
  return `<div class="nhsuk-scroll"><div class="nhsuk-scroll__content" role="region" aria-labelledby="${id}-caption" tabindex="0">
<table class="nhsuk-table" id="${id}"><caption class="nhsuk-table__caption nhsuk-table__caption--s" id="${id}-caption">${escapeHtml(caption)}</caption>
<thead class="nhsuk-table__head"><tr class="nhsuk-table__row">${head}</tr></thead>
<tbody class="nhsuk-table__body">${body}</tbody></table></div></div>`;
}

interface Measure {
  id: string;
  heading: string;
  explain: string;
  chartTitle: string;
  value: (f: Figures) => number | undefined;
  text: (f: Figures) => string;
  max: (values: number[]) => number;
  ticks: (max: number) => { value: number; label: string }[];
  headers: string[];
  cells: (f: Figures) => string[];
}

const PERCENT_TICKS = () => [0, 0.5, 1].map((v) => ({ value: v, label: `${v * 100}%` }));
const countTicks = (max: number) => [0, max / 2, max].map((v) => ({ value: v, label: String(Math.round(v)) }));
const countMax = (values: number[]) => Math.max(2, Math.ceil(Math.max(0, ...values) / 2) * 2);

const MEASURES: Measure[] = [
  {
    id: 'response', heading: 'Response times against target',
    explain: 'Time from a concern being raised to first contact (its first claim or reply), and the share first contacted within the target for its priority (emergency 15 minutes, urgent 2 hours, soon 1 working day, routine 3 working days). A concern not yet contacted counts against the target once it is past it. Counted in the week the concern was raised.',
    chartTitle: 'First contact within target, by week',
    value: (f) => f.proportionWithinTarget, text: (f) => percent(f.proportionWithinTarget), max: () => 1, ticks: PERCENT_TICKS,
    headers: ['Week', 'Raised', 'Contacted', 'Median time to first contact', 'Within target', 'Past target', 'Share within target'],
    cells: (f) => [String(f.raised), String(f.contacted), minutes(f.medianMinutesToContact), String(f.withinTarget), String(f.pastTarget), percent(f.proportionWithinTarget)],
  },
  {
    id: 'first-time', heading: 'Resolved first time',
    explain: 'Of the concerns resolved, the share resolved and never reopened. Counted in the week the concern was raised.',
    chartTitle: 'Concerns resolved first time, by week',
    value: (f) => f.proportionResolvedFirstTime, text: (f) => percent(f.proportionResolvedFirstTime), max: () => 1, ticks: PERCENT_TICKS,
    headers: ['Week', 'Resolved', 'Resolved first time', 'Share resolved first time'],
    cells: (f) => [String(f.resolved), String(f.resolvedFirstTime), percent(f.proportionResolvedFirstTime)],
  },
  {
    id: 'feedback', heading: 'Feedback scores',
    explain: 'What people scored their concern\'s handling, from 1 (poor) to 5 (very good): how many answered, the mean, and how many gave each score. Counted in the week the feedback was given.',
    chartTitle: 'Mean feedback score (1 to 5), by week',
    value: (f) => f.feedbackMean, text: (f) => mean(f.feedbackMean), max: () => 5, ticks: () => [0, 1, 2, 3, 4, 5].map((v) => ({ value: v, label: String(v) })),
    headers: ['Week', 'Answers', 'Mean score', 'Score 1', 'Score 2', 'Score 3', 'Score 4', 'Score 5'],
    cells: (f) => [String(f.feedbackCount), mean(f.feedbackMean), ...f.scores.map(String)],
  },
  {
    id: 'repeat', heading: 'Repeat contacts',
    explain: 'How many times a concern\'s priority was raised because the person got in touch again (3 or more times in 72 hours). Counted in the week it happened.',
    chartTitle: 'Repeat contacts, by week',
    value: (f) => f.repeatContacts, text: (f) => String(f.repeatContacts), max: countMax, ticks: countTicks,
    headers: ['Week', 'Repeat contacts'],
    cells: (f) => [String(f.repeatContacts)],
  },
];

function section(m: Measure, view: FiguresView): string {
  const { figures } = view;
  const who = pathwayLabel(view.filters.pathway).toLowerCase();
  const span = `${figures.weeks[0]!.label} to ${figures.weeks.at(-1)!.label}`;
  const bars: Bar[] = figures.byWeek.map((f) => ({ label: shortWeek(f.week!), value: m.value(f), text: m.text(f) }));
  const max = m.max(bars.flatMap((b) => (b.value === undefined ? [] : [b.value])));
  const shown = bars.filter((b) => b.value !== undefined);
  const description = `Bar chart, ${who}, ISO weeks ${span}. ${shown.length ? `${shown.map((b) => `${b.label}: ${b.text}`).join('; ')}.` : 'Nothing to show in this period.'} The table "${m.heading} by week" gives every figure.`;
  const rows = figures.byWeek.map((f) => [escapeHtml(f.week!), ...m.cells(f)]);
  rows.push(['Whole period', ...m.cells(figures.total)]);
  return `<section class="carepoint-figures-section" aria-labelledby="${m.id}-heading">
<h2 id="${m.id}-heading">${m.heading}</h2>
<p class="nhsuk-body">${escapeHtml(m.explain)}</p>
<div class="nhsuk-grid-row">
<div class="nhsuk-grid-column-one-half">${barChart({ id: `${m.id}-chart`, title: `${m.chartTitle}, ${who}`, description, bars, max, ticks: m.ticks(max) })}</div>
<div class="nhsuk-grid-column-one-half">${table(`${m.id}-table`, `${m.heading} by week`, m.headers, rows)}</div>
</div>
${m.id === 'feedback' ? scoreChart(view) : ''}
</section>`;
}

/** How the scores were spread over the whole period. */
function scoreChart(view: FiguresView): string {
  const total = view.figures.total;
  const bars: Bar[] = total.scores.map((n, i) => ({ label: `Score ${i + 1}`, value: n, text: String(n) }));
  const max = countMax(total.scores);
  const who = pathwayLabel(view.filters.pathway).toLowerCase();
  return `<h3>Scores over the whole period</h3>
${barChart({ id: 'scores-chart', title: `How many gave each score, ${who}, whole period`, description: `Bar chart of answers by score: ${bars.map((b) => `${b.label}: ${b.text}`).join('; ')}. The table "Feedback scores by week" gives the same counts in its last row.`, bars, max, ticks: countTicks(max) })}`;
}

function byPathwayTable(view: FiguresView): string {
  const rows = view.figures.byPathway.map((f) => [escapeHtml(pathwayLabel(f.pathway)), String(f.raised), minutes(f.medianMinutesToContact),
    percent(f.proportionWithinTarget), percent(f.proportionResolvedFirstTime), String(f.feedbackCount), mean(f.feedbackMean), String(f.repeatContacts)]);
  if (rows.length === 0) return '<p class="nhsuk-body">Nothing was raised, answered or scored in this period.</p>';
  return table('pathways-table', 'Each pathway over the whole period', ['Pathway', 'Raised', 'Median time to first contact', 'Within target',
    'Resolved first time', 'Feedback answers', 'Mean score', 'Repeat contacts'], rows);
}

export function figuresPageBody(view: FiguresView): string {
  const { figures } = view;
  return `<p class="nhsuk-body">How people's concerns were handled, by ISO week (Monday to Sunday, UK time): ${escapeHtml(pathwayLabel(view.filters.pathway).toLowerCase())},
${escapeHtml(figures.weeks[0]!.label)} (week starting ${escapeHtml(figures.weeks[0]!.monday)}) to ${escapeHtml(figures.weeks.at(-1)!.label)}. The current week is not over yet.</p>
${filterForm(view)}
<section class="carepoint-figures-section" aria-labelledby="pathways-heading"><h2 id="pathways-heading">By pathway</h2>
${byPathwayTable(view)}</section>
${MEASURES.map((m) => section(m, view)).join('\n')}`;
}
