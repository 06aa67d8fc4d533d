import type { QueueItem } from '../../concerns/concern-queue.js';
import type { QueueCounts } from '../../concerns/queue-counts.js';
import { labelOf, PATHWAYS } from '../../concerns/model.js';
import { PRIORITIES } from '../../concerns/priority.js';
import { ageAgainstTarget } from '../../concerns/target-time.js';
import { workingDayMinutes, type WorkingHours } from '../../concerns/working-hours.js';
import { duration, escapeHtml, when } from './html.js';
import { CHANNEL_LABEL, outcomeLabel, PRIORITY_LABEL, priorityTag } from './labels.js';

/** The queue's filters as the form sends them (empty fields left out). */
export interface QueueFilters {
  status?: string;
  priority?: string;
  pathway?: string;
  mine?: string;
  cursor?: string;
}

export interface QueueView {
  items: QueueItem[];
  counts: QueueCounts;
  /** The cursor of the page after this one, if any. */
  nextCursor?: string;
  filters: QueueFilters;
  viewerId: string;
  now: Date;
  hours: WorkingHours;
}

/** A query string of the filters that are set, for links and the live fragment's URL. */
export function filterQuery(filters: QueueFilters, extra: QueueFilters = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, ...extra })) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function select(name: string, label: string, options: readonly string[], chosen: string | undefined, text: (o: string) => string): string {
  const items = [`<option value="">Any</option>`, ...options.map((o) => `<option value="${o}"${o === chosen ? ' selected' : ''}>${escapeHtml(text(o))}</option>`)];
  return `<div class="nhsuk-form-group carepoint-filter"><label class="nhsuk-label" for="filter-${name}">${label}</label>
<select class="nhsuk-select" id="filter-${name}" name="${name}">${items.join('')}</select></div>`;
}

function filterForm(filters: QueueFilters): string {
  return `<form method="get" action="/console/queue" class="carepoint-filters" aria-label="Filter the queue">
<fieldset class="nhsuk-fieldset"><legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Filter the queue</legend>
<div class="carepoint-filters__fields">
${select('status', 'Status', ['open', 'claimed', 'resolved'], filters.status, (s) => s[0]!.toUpperCase() + s.slice(1))}
${select('priority', 'Priority', PRIORITIES, filters.priority, (p) => PRIORITY_LABEL[p as keyof typeof PRIORITY_LABEL])}
${select('pathway', 'Pathway', PATHWAYS, filters.pathway, labelOf)}
</div>
<div class="nhsuk-checkboxes nhsuk-checkboxes--small"><div class="nhsuk-checkboxes__item">
<input class="nhsuk-checkboxes__input" id="filter-mine" name="mine" type="checkbox" value="true"${filters.mine === 'true' ? ' checked' : ''}>
<label class="nhsuk-label nhsuk-checkboxes__label" for="filter-mine">Only concerns I have claimed</label></div></div>
</fieldset>
<div class="carepoint-actions-row"><button class="nhsuk-button nhsuk-button--secondary" type="submit">Apply filters</button>
<a class="nhsuk-link" href="/console/queue">Clear filters</a></div>
</form>`;
}

/** How long it has waited against its target; overdue says so in words as well as in red. */
export function waitingText(item: QueueItem, now: Date, hours: WorkingHours): { html: string; overdue: boolean } {
  if (item.status === 'resolved') return { html: `Resolved ${item.resolvedAt ? when(item.resolvedAt, hours.timeZone) : ''}`, overdue: false };
  const age = ageAgainstTarget(item.priority, new Date(item.createdAt), now, hours);
  const waited = age.working ? `${duration(age.waited, workingDayMinutes(hours), 'working day')} of working time` : duration(age.waited);
  const html = age.overdue
    ? `<strong class="carepoint-overdue">Overdue</strong>: waited ${waited}, target ${age.targetLabel}`
    : `Waited ${waited}, target ${age.targetLabel}`;
  return { html, overdue: age.overdue };
}

function kindOf(item: QueueItem): string {
  const d = item.details;
  if (Array.isArray(d.redFlags) && d.redFlags.length) return 'Red flag';
  if (d.uncertainRisk === true) return 'Uncertain risk';
  return typeof d.kind === 'string' ? labelOf(d.kind) : 'Not given';
}

function statusText(item: QueueItem, viewerId: string): string {
  if (item.status === 'resolved') return `Resolved${item.outcome ? `: ${escapeHtml(outcomeLabel(item.outcome))}` : ''}`;
  if (item.claimedBy) return item.claimedBy.id === viewerId ? 'Claimed by you' : `Claimed by ${escapeHtml(item.claimedBy.name)}`;
  if (item.leaseExpired) return '<strong class="nhsuk-tag nhsuk-tag--purple">Returned to the queue</strong> <span class="carepoint-small">a claim ran out unattended</span>';
  return 'Open';
}

const cell = (content: string) => `<td class="nhsuk-table__cell">${content}</td>`;

function row(item: QueueItem, view: QueueView): string {
  const waiting = waitingText(item, view.now, view.hours);
  const classes = ['nhsuk-table__row', ...(waiting.overdue ? ['carepoint-row--overdue'] : []),
    ...(item.leaseExpired && item.status === 'open' ? ['carepoint-row--returned'] : [])];
  const pathway = typeof item.details.pathway === 'string' ? labelOf(item.details.pathway) : 'Not given';
  return `<tr class="${classes.join(' ')}" data-id="${escapeHtml(item.id)}" data-version="${escapeHtml(`${item.updatedAt}|${item.status}|${item.claimedBy?.id ?? ''}`)}">
<th class="nhsuk-table__header" scope="row"><a class="carepoint-reference" href="/console/queue/${escapeHtml(item.id)}">${escapeHtml(item.reference)}</a></th>
${cell(priorityTag(item.priority))}
${cell(waiting.html)}
${cell(escapeHtml(pathway))}
${cell(escapeHtml(kindOf(item)))}
${cell(CHANNEL_LABEL[item.channel])}
${cell(escapeHtml(item.summary))}
${cell(statusText(item, view.viewerId))}
</tr>`;
}

function countsLine(counts: QueueCounts): string {
  const waiting = PRIORITIES.map((p) => `${counts.byPriority[p]} ${PRIORITY_LABEL[p].toLowerCase()}`).join(', ');
  return `<p class="nhsuk-body">Waiting: ${waiting}. Open ${counts.byStatus.open}, claimed ${counts.byStatus.claimed}, resolved ${counts.byStatus.resolved}.</p>`;
}

/** The part of the queue page live updates replace: counts, the table and paging. */
export function queueRows(view: QueueView): string {
  const rows = view.items.length
    ? view.items.map((item) => row(item, view)).join('\n')
    : '<tr class="nhsuk-table__row"><td class="nhsuk-table__cell" colspan="8">No concerns match these filters.</td></tr>';
  const paging = [
    ...(view.filters.cursor ? [`<a class="nhsuk-link" href="/console/queue${escapeHtml(filterQuery(view.filters, { cursor: '' }))}">Back to the top of the queue</a>`] : []),
    ...(view.nextCursor ? [`<a class="nhsuk-link" href="/console/queue${escapeHtml(filterQuery(view.filters, { cursor: view.nextCursor }))}">Next page of the queue</a>`] : []),
  ];
  return `${countsLine(view.counts)}
<div class="nhsuk-scroll"><div class="nhsuk-scroll__content" role="region" aria-labelledby="queue-caption" tabindex="0">
<table class="nhsuk-table carepoint-queue">
<caption class="nhsuk-table__caption" id="queue-caption">Concerns, most pressing first</caption>
<thead class="nhsuk-table__head"><tr class="nhsuk-table__row">
<th class="nhsuk-table__header" scope="col">Reference</th><th class="nhsuk-table__header" scope="col">Priority</th>
<th class="nhsuk-table__header" scope="col">Waiting</th><th class="nhsuk-table__header" scope="col">Pathway</th>
<th class="nhsuk-table__header" scope="col">Kind</th><th class="nhsuk-table__header" scope="col">Channel</th>
<th class="nhsuk-table__header" scope="col">Summary</th><th class="nhsuk-table__header" scope="col">Status</th>
</tr></thead>
<tbody class="nhsuk-table__body">
${rows}
</tbody></table></div></div>
${paging.length ? `<nav class="carepoint-paging" aria-label="Queue pages">${paging.join(' ')}</nav>` : ''}`;
}

export function queuePageBody(view: QueueView): string {
  return `${filterForm(view.filters)}
<p class="nhsuk-body-s carepoint-live-note" id="live-note" hidden></p>
<p class="carepoint-announcement" id="live-status" role="status" aria-live="polite"></p>
<div id="live-region" data-live-url="/console/queue/rows${escapeHtml(filterQuery(view.filters))}" data-live-poll="60">
${queueRows(view)}
</div>`;
}
