import { AUDIT_ACTIONS } from '../../concerns/audit/append-audit.js';
import type { AuditLine } from '../../concerns/audit/list-audit.js';
import { escapeHtml, when } from './html.js';
import { dataLine } from './labels.js';
import { dateInputHtml, type DateParts } from './date-input.js';

/** The audit page's filters as the form sends them (dates as YYYY-MM-DD on the team's calendar). */
export interface AuditFilters {
  actor?: string;
  action?: string;
  concern?: string;
  from?: string;
  to?: string;
  before?: string;
}

export interface AuditView {
  lines: AuditLine[];
  next?: string;
  filters: AuditFilters;
  /** The date boxes as typed, shown again as they were when one is wrong. */
  dates: { from: DateParts; to: DateParts };
  /** Concern references by id, for the lines' links. */
  references: Map<string, string>;
  timeZone: string;
  /** A filter that could not be read, said in words. */
  problem?: { field: string; message: string };
}

function query(filters: AuditFilters, extra: AuditFilters = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, ...extra })) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function input(name: keyof AuditFilters, label: string, value: string | undefined, type: string, hint: string, problem?: AuditView['problem']): string {
  const error = problem?.field === name ? problem.message : undefined;
  return `<div class="nhsuk-form-group carepoint-filter${error ? ' nhsuk-form-group--error' : ''}">
<label class="nhsuk-label" for="audit-${name}">${label}</label>
<div class="nhsuk-hint" id="audit-${name}-hint">${hint}</div>
${error ? `<span class="nhsuk-error-message" id="audit-${name}-error"><span class="nhsuk-u-visually-hidden">Error:</span> ${escapeHtml(error)}</span>` : ''}
<input class="nhsuk-input${error ? ' nhsuk-input--error' : ''}" id="audit-${name}" name="${name}" type="${type}" value="${escapeHtml(value ?? '')}"
 aria-describedby="audit-${name}-hint${error ? ` audit-${name}-error` : ''}"></div>`;
}

function dateInput(view: AuditView, name: 'from' | 'to', legend: string, hint: string): string {
  const error = view.problem?.field === name ? view.problem.message : undefined;
  return dateInputHtml({ id: `audit-${name}`, name, legend, hint, parts: view.dates[name], error });
}

function filterForm(view: AuditView): string {
  const f = view.filters;
  const actions = [`<option value="">Any</option>`, ...AUDIT_ACTIONS.map((a) => `<option value="${a}"${a === f.action ? ' selected' : ''}>${a}</option>`)];
  return `<form method="get" action="/console/audit" class="carepoint-filters" aria-label="Filter the audit log" novalidate>
<fieldset class="nhsuk-fieldset"><legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Filter the audit log</legend>
<div class="carepoint-filters__fields">
${input('actor', 'Who', f.actor, 'text', 'Their user id, as shown below', view.problem)}
<div class="nhsuk-form-group carepoint-filter"><label class="nhsuk-label" for="audit-action">Action</label>
<select class="nhsuk-select" id="audit-action" name="action">${actions.join('')}</select></div>
${input('concern', 'Concern', f.concern, 'text', 'A reference such as CP-7F3K2Q', view.problem)}
${dateInput(view, 'from', 'From', 'On or after this day, for example 27 3 2026')}
${dateInput(view, 'to', 'To', 'On or before this day')}
</div></fieldset>
<div class="carepoint-actions-row"><button class="nhsuk-button nhsuk-button--secondary" type="submit">Apply filters</button>
<a class="nhsuk-link" href="/console/audit">Clear filters</a></div>
</form>`;
}

function concernCell(line: AuditLine, references: Map<string, string>): string {
  if (!line.concernId) return '';
  const reference = references.get(line.concernId);
  return `<a class="carepoint-reference" href="/console/queue/${escapeHtml(line.concernId)}">${escapeHtml(reference ?? line.concernId)}</a>`;
}

export function auditPageBody(view: AuditView): string {
  const rows = view.lines.map((l) => `<tr class="nhsuk-table__row">
<td class="nhsuk-table__cell">${when(l.at, view.timeZone)}</td>
<td class="nhsuk-table__cell">${escapeHtml(l.actor.name)} <span class="carepoint-small">(${escapeHtml(l.actor.id)})</span></td>
<td class="nhsuk-table__cell">${escapeHtml(l.action)}</td>
<td class="nhsuk-table__cell">${concernCell(l, view.references)}</td>
<td class="nhsuk-table__cell">${escapeHtml(l.source ?? '')}</td>
<td class="nhsuk-table__cell carepoint-text">${dataLine(l.detail, view.timeZone)}</td>
</tr>`).join('\n');
  const paging = [
    ...(view.filters.before ? [`<a class="nhsuk-link" href="/console/audit${escapeHtml(query(view.filters, { before: '' }))}">Newest entries</a>`] : []),
    ...(view.next ? [`<a class="nhsuk-link" href="/console/audit${escapeHtml(query(view.filters, { before: view.next }))}">Older entries</a>`] : []),
  ];
  const problem = view.problem
    ? `<div class="nhsuk-error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1">
<h2 class="nhsuk-error-summary__title" id="error-summary-title">There is a problem</h2>
<div class="nhsuk-error-summary__body"><ul class="nhsuk-list nhsuk-error-summary__list"><li><a href="#audit-${view.problem.field}${view.problem.field === 'from' || view.problem.field === 'to' ? '-day' : ''}">${escapeHtml(view.problem.message)}</a></li></ul></div></div>`
    : '';
  return `${problem}
<p class="nhsuk-body">Every view of and change to a concern, and every sign-in and sign-out, newest first. Nothing here can be changed or removed.</p>
${filterForm(view)}
<div class="nhsuk-scroll"><div class="nhsuk-scroll__content" role="region" aria-labelledby="audit-caption" tabindex="0">
<table class="nhsuk-table"><caption class="nhsuk-table__caption" id="audit-caption">Audit log, newest first</caption>
<thead class="nhsuk-table__head"><tr class="nhsuk-table__row"><th class="nhsuk-table__header" scope="col">When</th>
<th class="nhsuk-table__header" scope="col">Who</th><th class="nhsuk-table__header" scope="col">Action</th>
<th class="nhsuk-table__header" scope="col">Concern</th><th class="nhsuk-table__header" scope="col">From</th>
<th class="nhsuk-table__header" scope="col">Details</th></tr></thead>
<tbody class="nhsuk-table__body">${rows || '<tr class="nhsuk-table__row"><td class="nhsuk-table__cell" colspan="6">No entries match these filters.</td></tr>'}</tbody>
</table></div></div>
${paging.length ? `<nav class="carepoint-paging" aria-label="Audit log pages">${paging.join(' ')}</nav>` : ''}`;
}
