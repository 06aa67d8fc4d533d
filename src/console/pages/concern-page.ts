import type { HandoffView } from '../../handoff/view.js';
import type { ConcernDetail } from '../../concerns/sql/detail.js';
import { labelOf, ukDate } from '../../concerns/model.js';
import type { WorkingHours } from '../../concerns/working-hours.js';
import { actionsPanel, problemSummary, doneBanner, type FormProblem } from './concern-actions-panel.js';
import { escapeHtml, when } from './html.js';
import { CHANNEL_LABEL, dataLine, EVENT_LABEL, outcomeLabel, PRIORITY_LABEL, priorityRaisedLine, priorityTag, redFlagName, STATUS_LABEL } from './labels.js';
import { waitingText } from './queue-page.js';
import { transcriptSection } from './transcript.js';

export interface ConcernView {
  /** The concern in full, with who holds its live conversation and each reply's delivery (src/handoff). */
  detail: ConcernDetail & HandoffView;
  viewer: { id: string; csrfToken: string };
  now: Date;
  hours: WorkingHours;
  leaseMinutes: number;
  /** The action just done (after the redirect), for the banner. */
  done?: string;
  /** A form that was refused, with what was entered. */
  problem?: FormProblem;
}

const row = (key: string, value: string) =>
  `<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">${key}</dt><dd class="nhsuk-summary-list__value">${value}</dd></div>`;

function fields(view: ConcernView): string {
  const { concern } = view.detail;
  const d = concern.details;
  const text = (value: unknown) => (typeof value === 'string' && value ? escapeHtml(value) : undefined);
  const claim = concern.claimedBy
    ? `Claimed by ${concern.claimedBy.id === view.viewer.id ? 'you' : escapeHtml(concern.claimedBy.name)}${concern.claimedUntil ? ` until ${when(concern.claimedUntil, view.hours.timeZone)}` : ''}`
    : concern.leaseExpired && concern.status === 'open' ? 'Returned to the queue: a claim ran out unattended' : undefined;
  const rows: [string, string | undefined][] = [
    ['Status', `${STATUS_LABEL[concern.status] ?? concern.status}${concern.outcome ? `: ${escapeHtml(outcomeLabel(concern.outcome))}` : ''}`],
    ['Claim', claim],
    ['Priority', PRIORITY_LABEL[concern.priority]],
    ['Waiting', waitingText(concern, view.now, view.hours).html],
    ['Raised', `${when(concern.createdAt, view.hours.timeZone)} by ${CHANNEL_LABEL[concern.channel].toLowerCase()}`],
    ['About', d.subject === 'someone-else' ? `Someone a carer looks after (${text(d.relationship) ?? 'relationship not given'})` : d.subject === 'self' ? 'The patient themselves' : undefined],
    ['Name', text(d.name)],
    ['Date of birth', typeof d.dateOfBirth === 'string' ? escapeHtml(ukDate(d.dateOfBirth)) : undefined],
    ["Carer's name", text(d.carerName)],
    ['Condition', typeof d.pathway === 'string' ? escapeHtml(labelOf(d.pathway)) : undefined],
    ['Concern', typeof d.kind === 'string' ? escapeHtml(labelOf(d.kind)) : undefined],
    ['What is happening', text(d.description)],
    ['How soon', typeof d.urgency === 'string' ? escapeHtml(labelOf(d.urgency)) : undefined],
    ['Contact', typeof d.contactMethod === 'string'
      ? `${escapeHtml(labelOf(d.contactMethod))}${text(d.phone) ? ` on ${text(d.phone)}` : ''}${typeof d.contactTime === 'string' ? `, ${escapeHtml(labelOf(d.contactTime).toLowerCase())}` : ''}`
      : undefined],
    ['Consent to share', typeof d.consentToShare === 'boolean' ? (d.consentToShare ? 'Yes' : 'No') : undefined],
    ['Contact problem', concern.contactProblem ? escapeHtml(concern.contactProblem.advice) : undefined],
  ];
  return `<h2 class="nhsuk-heading-m">The concern</h2>
<div class="nhsuk-inset-text"><span class="nhsuk-u-visually-hidden">In short: </span><p>${escapeHtml(view.detail.summary)}</p></div>
<dl class="nhsuk-summary-list">${rows.filter(([, v]) => v !== undefined).map(([k, v]) => row(k, v!)).join('\n')}</dl>`;
}

function redFlags(view: ConcernView): string {
  const d = view.detail.concern.details;
  const advice = (d.redFlagAdvice ?? {}) as Record<string, string>;
  const flags = Array.isArray(d.redFlags) ? (d.redFlags as string[]) : [];
  const items = [
    ...flags.map((f) => `<li>${escapeHtml(redFlagName(f))}: told to call ${escapeHtml(advice[f] ?? String(d.advice ?? '999'))}</li>`),
    ...(d.uncertainRisk === true ? ['<li>Uncertain risk: a message with symptom or risk words the screen could not decide; the check question was asked</li>'] : []),
    ...(typeof d.personSaidNotEmergency === 'string' ? [`<li>The person said it is not an emergency (${when(d.personSaidNotEmergency, view.hours.timeZone)})</li>`] : []),
  ];
  return `<h2 class="nhsuk-heading-m">Red flags raised</h2>
${items.length ? `<ul class="nhsuk-list nhsuk-list--bullet">${items.join('')}</ul>` : '<p class="nhsuk-body">No red flags were raised.</p>'}`;
}

function earlier(view: ConcernView): string {
  const list = view.detail.earlierConcerns;
  if (!list.length) return '<h2 class="nhsuk-heading-m">Earlier concerns</h2><p class="nhsuk-body">None from this person.</p>';
  const rows = list.map((c) => `<tr class="nhsuk-table__row">
<th class="nhsuk-table__header" scope="row"><a class="carepoint-reference" href="/console/queue/${escapeHtml(c.id)}">${escapeHtml(c.reference)}</a></th>
<td class="nhsuk-table__cell">${when(c.createdAt, view.hours.timeZone)}</td>
<td class="nhsuk-table__cell">${CHANNEL_LABEL[c.channel]}</td>
<td class="nhsuk-table__cell">${escapeHtml(PRIORITY_LABEL[c.priority as keyof typeof PRIORITY_LABEL] ?? c.priority)}</td>
<td class="nhsuk-table__cell">${escapeHtml(c.summary)}</td>
<td class="nhsuk-table__cell">${escapeHtml(STATUS_LABEL[c.status] ?? c.status)}${c.outcome ? `: ${escapeHtml(outcomeLabel(c.outcome))}` : ''}</td>
</tr>`).join('\n');
  return `<h2 class="nhsuk-heading-m">Earlier concerns</h2>
<div class="nhsuk-scroll"><div class="nhsuk-scroll__content" role="region" aria-labelledby="earlier-caption" tabindex="0">
<table class="nhsuk-table"><caption class="nhsuk-table__caption nhsuk-u-visually-hidden" id="earlier-caption">This person's earlier concerns, newest first, with outcomes</caption>
<thead class="nhsuk-table__head"><tr class="nhsuk-table__row"><th class="nhsuk-table__header" scope="col">Reference</th>
<th class="nhsuk-table__header" scope="col">Raised</th><th class="nhsuk-table__header" scope="col">Channel</th>
<th class="nhsuk-table__header" scope="col">Priority</th><th class="nhsuk-table__header" scope="col">Summary</th>
<th class="nhsuk-table__header" scope="col">Outcome</th></tr></thead>
<tbody class="nhsuk-table__body">${rows}</tbody></table></div></div>`;
}

function history(view: ConcernView): string {
  const rows = view.detail.events.map((e) => `<tr class="nhsuk-table__row">
<td class="nhsuk-table__cell">${when(e.at, view.hours.timeZone)}</td>
<td class="nhsuk-table__cell">${escapeHtml(EVENT_LABEL[e.kind] ?? e.kind)}</td>
<td class="nhsuk-table__cell">${e.actor ? escapeHtml(e.actor.name) : 'Carepoint'}</td>
<td class="nhsuk-table__cell carepoint-text">${e.kind === 'priority-raised' ? priorityRaisedLine(e.data) : dataLine(e.data, view.hours.timeZone, ['messageId', 'status', 'from', 'to', 'redFlagAdvice', 'outboundId'])}</td>
</tr>`).join('\n');
  return `<h2 class="nhsuk-heading-m">History</h2>
<div class="nhsuk-scroll"><div class="nhsuk-scroll__content" role="region" aria-labelledby="history-caption" tabindex="0">
<table class="nhsuk-table"><caption class="nhsuk-table__caption nhsuk-u-visually-hidden" id="history-caption">What has happened to this concern, oldest first</caption>
<thead class="nhsuk-table__head"><tr class="nhsuk-table__row"><th class="nhsuk-table__header" scope="col">When</th>
<th class="nhsuk-table__header" scope="col">What</th><th class="nhsuk-table__header" scope="col">Who</th>
<th class="nhsuk-table__header" scope="col">Details</th></tr></thead>
<tbody class="nhsuk-table__body">${rows}</tbody></table></div></div>`;
}

/** What live updates replace: everything about the concern except the forms (which may hold half-typed text). */
export function concernLive(view: ConcernView): string {
  return `${fields(view)}
${redFlags(view)}
${transcriptSection(view.detail, view.hours.timeZone)}
${earlier(view)}
${history(view)}`;
}

/** A version of what the live part shows, so a refresh can tell whether anything changed. */
export function liveVersion(detail: ConcernDetail & Partial<HandoffView>): string {
  // A reply's delivery and the handoff change neither the concern's row nor its events: they count too.
  const replies = (detail.replies ?? []).map((r) => r.status).join(',');
  return `${detail.concern.updatedAt}|${detail.concern.status}|${detail.concern.claimedBy?.id ?? ''}|${detail.events.length}|${detail.transcript.length}|${replies}|${detail.handoff?.coordinator.id ?? ''}`;
}

export function concernPageBody(view: ConcernView): string {
  const { concern } = view.detail;
  return `${view.problem ? problemSummary(view.problem) : view.done ? doneBanner(view.done, view) : ''}
<p class="nhsuk-body">${priorityTag(concern.priority)} <a class="nhsuk-link carepoint-skip-to-actions" href="#actions">Go to the actions</a> <a class="nhsuk-link" href="/console/queue">Back to the queue</a></p>
<p class="nhsuk-body-s carepoint-live-note" id="live-note" hidden></p>
<p class="carepoint-announcement" id="live-status" role="status" aria-live="polite"></p>
<div class="nhsuk-grid-row">
<div class="nhsuk-grid-column-two-thirds" id="live-region" data-live-url="/console/queue/${escapeHtml(concern.id)}/live"
 data-live-concern="${escapeHtml(concern.id)}" data-version="${escapeHtml(liveVersion(view.detail))}" data-messages="${view.detail.transcript.length}">
${concernLive(view)}
</div>
<div class="nhsuk-grid-column-one-third" id="actions">
${actionsPanel(view)}
</div>
</div>`;
}
