import { OUTCOMES } from '../../concerns/concern-queue.js';
import { escapeHtml } from './html.js';
import { CHANNEL_ROUTE, OUTCOME_LABEL } from './labels.js';
import type { ConcernView } from './concern-page.js';

/** The console's form actions on a concern (POST /console/queue/:id/<action>). */
export const FORM_ACTIONS = ['claim', 'release', 'note', 'reply', 'hand-back', 'resolve', 'reopen', 'not-an-emergency'] as const;
export type FormAction = (typeof FORM_ACTIONS)[number];

/** A refused form: what was wrong (a field left empty, or the concern's state), with what had been entered. */
export interface FormProblem {
  action: FormAction;
  kind: 'invalid' | 'conflict';
  message: string;
  /** The field at fault (its element id), for the summary's link and the message beside it. */
  field?: string;
  values: Record<string, string>;
}

/** Each field's element id, for error links. */
export const FIELD_IDS: Record<string, string> = {
  'note.text': 'note-text', 'reply.text': 'reply-text', 'resolve.outcome': 'resolve-outcome', 'resolve.text': 'resolve-text',
  'not-an-emergency.reason': 'reason-text',
};

export function problemSummary(problem: FormProblem): string {
  const holder = /claimed by (.+)$/.exec(problem.message)?.[1];
  const title = problem.kind === 'invalid' ? 'There is a problem' : holder ? `Someone else holds the claim: ${holder}` : 'That could not be done';
  const text = `${problem.message[0]!.toUpperCase()}${problem.message.slice(1)}.`;
  const item = problem.field ? `<a href="#${problem.field}">${escapeHtml(text)}</a>` : escapeHtml(text);
  return `<div class="nhsuk-error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1">
<h2 class="nhsuk-error-summary__title" id="error-summary-title">${escapeHtml(title)}</h2>
<div class="nhsuk-error-summary__body"><ul class="nhsuk-list nhsuk-error-summary__list"><li>${item}</li></ul>
${problem.kind === 'conflict' ? '<p>Nothing was changed. What the concern looks like now is below.</p>' : ''}</div></div>`;
}

export function doneBanner(done: string, view: ConcernView): string {
  const { concern } = view.detail;
  const messages: Record<string, string> = {
    claim: `You have claimed this concern. The claim lasts ${view.leaseMinutes} minutes and is renewed while you work on it.`,
    release: 'You have released this concern. It is back in the queue.',
    note: 'Note added.',
    'hand-back': 'The conversation is back with Carepoint, which has told the person. You still hold the claim.',
    reply: `Reply recorded and being sent to the person ${CHANNEL_ROUTE[concern.channel]}. Its delivery shows in the transcript.`,
    resolve: `Concern resolved${concern.outcome ? `: ${OUTCOME_LABEL[concern.outcome]}` : ''}.`,
    reopen: 'Concern reopened. It is back in the queue.',
    'not-an-emergency': 'Marked as not an emergency. It stays in the queue as urgent.',
  };
  const message = messages[done];
  if (!message) return '';
  return `<div class="nhsuk-notification-banner nhsuk-notification-banner--success" role="alert" aria-labelledby="done-banner-title">
<div class="nhsuk-notification-banner__header"><h2 class="nhsuk-notification-banner__title" id="done-banner-title">Done</h2></div>
<div class="nhsuk-notification-banner__content"><p class="nhsuk-notification-banner__heading">${escapeHtml(message)}</p></div></div>`;
}

function form(view: ConcernView, action: FormAction, inner: string): string {
  return `<form method="post" action="/console/queue/${escapeHtml(view.detail.concern.id)}/${action}" novalidate>
<input type="hidden" name="_csrf" value="${escapeHtml(view.viewer.csrfToken)}">
${inner}</form>`;
}

/** A textarea with its label, hint and (after a refused form) error message and the text that was entered. */
function textarea(view: ConcernView, action: FormAction, name: string, label: string, hint: string): string {
  const id = FIELD_IDS[`${action}.${name}`]!;
  const problem = view.problem?.action === action ? view.problem : undefined;
  const error = problem?.field === id ? problem.message : undefined;
  const value = problem?.values[name] ?? '';
  const describedBy = [`${id}-hint`, ...(error ? [`${id}-error`] : [])].join(' ');
  return `<div class="nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}">
<label class="nhsuk-label" for="${id}">${label}</label>
<div class="nhsuk-hint" id="${id}-hint">${hint}</div>
${error ? `<span class="nhsuk-error-message" id="${id}-error"><span class="nhsuk-u-visually-hidden">Error:</span> ${escapeHtml(error)}</span>` : ''}
<textarea class="nhsuk-textarea${error ? ' nhsuk-textarea--error' : ''}" id="${id}" name="${name}" rows="3" aria-describedby="${describedBy}">${escapeHtml(value)}</textarea>
</div>`;
}

function outcomes(view: ConcernView): string {
  const problem = view.problem?.action === 'resolve' ? view.problem : undefined;
  const error = problem?.field === 'resolve-outcome' ? problem.message : undefined;
  const radios = OUTCOMES.map((o, i) => `<div class="nhsuk-radios__item">
<input class="nhsuk-radios__input" id="${i === 0 ? 'resolve-outcome' : `resolve-outcome-${i + 1}`}" name="outcome" type="radio" value="${o}"${problem?.values.outcome === o ? ' checked' : ''}>
<label class="nhsuk-label nhsuk-radios__label" for="${i === 0 ? 'resolve-outcome' : `resolve-outcome-${i + 1}`}">${OUTCOME_LABEL[o]}</label></div>`).join('\n');
  return `<div class="nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}">
<fieldset class="nhsuk-fieldset"${error ? ' aria-describedby="resolve-outcome-error"' : ''}><legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Outcome</legend>
${error ? `<span class="nhsuk-error-message" id="resolve-outcome-error"><span class="nhsuk-u-visually-hidden">Error:</span> ${escapeHtml(error)}</span>` : ''}
<div class="nhsuk-radios nhsuk-radios--small">${radios}</div></fieldset></div>`;
}

/**
 * The forms that fit the concern's state as this co-ordinator sees it. Only a guide: the database decides, and a
 * form posted after someone else acted is refused with the reason (a 409 naming who holds the claim).
 */
export function actionsPanel(view: ConcernView): string {
  const { concern } = view.detail;
  const mine = concern.claimedBy?.id === view.viewer.id;
  const someoneElse = concern.claimedBy !== null && !mine;
  const resolved = concern.status === 'resolved';
  const parts: string[] = ['<h2 class="nhsuk-heading-m">Actions</h2>'];
  if (someoneElse) parts.push(`<p class="nhsuk-body">${escapeHtml(concern.claimedBy!.name)} holds the claim. Only they can reply to the person, resolve or release it; you can add a note.</p>`);
  if (concern.status === 'open') parts.push(form(view, 'claim', '<button class="nhsuk-button" type="submit">Claim this concern</button>'));
  if (mine) parts.push(form(view, 'release', '<button class="nhsuk-button nhsuk-button--secondary" type="submit">Release it to the queue</button>'));
  if (!resolved && !someoneElse) {
    parts.push(form(view, 'reply', `${textarea(view, 'reply', 'text', 'Reply to the person',
      `Recorded on the concern, then sent to them ${CHANNEL_ROUTE[concern.channel]}.`)}
<button class="nhsuk-button nhsuk-button--secondary" type="submit">Record reply</button>`));
  }
  // While you are talking with the person live, Carepoint is silent; handing back lets it answer again.
  if (mine && view.detail.handoff) {
    parts.push(`<p class="nhsuk-body">You are talking with the person live: Carepoint does not answer them until you hand back.</p>`);
    parts.push(form(view, 'hand-back', '<button class="nhsuk-button nhsuk-button--secondary" type="submit">Hand back to Carepoint</button>'));
  }
  parts.push(form(view, 'note', `${textarea(view, 'note', 'text', 'Add a note', 'For the team only: the person does not see notes.')}
<button class="nhsuk-button nhsuk-button--secondary" type="submit">Add note</button>`));
  if (!resolved && !someoneElse && concern.priority === 'emergency') {
    parts.push(form(view, 'not-an-emergency', `${textarea(view, 'not-an-emergency', 'reason', 'Not an emergency?',
      'Say why. It stays in the queue as urgent, and a new red flag raises a new emergency.')}
<button class="nhsuk-button nhsuk-button--secondary" type="submit">Mark as not an emergency</button>`));
  }
  if (!resolved && !someoneElse) {
    parts.push(form(view, 'resolve', `<h3 class="nhsuk-heading-s">Resolve</h3>${outcomes(view)}
${textarea(view, 'resolve', 'text', 'What was done (optional)', 'Kept in the history with the outcome.')}
<button class="nhsuk-button" type="submit">Resolve</button>`));
  }
  if (resolved) parts.push(form(view, 'reopen', '<button class="nhsuk-button nhsuk-button--secondary" type="submit">Reopen</button>'));
  return parts.join('\n');
}
