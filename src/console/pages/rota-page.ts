import type { Problem } from '../../knowledge/yaml-lines.js';
import type { OnCall } from '../../oncall/on-call.js';
import type { Person } from '../../oncall/rota.js';
import { escapeHtml, when } from './html.js';

export interface RotaView {
  /** Who is on call now and after the next change; undefined: no rota in force. */
  now?: OnCall;
  next?: OnCall;
  /** `npm run rota -- check` on the file as it is, over the next 8 weeks: problems (file:line), gaps, a summary. */
  check: { lines: string[]; failed: boolean };
  /** The file as it is has problems (edited by hand): the last good rota is the one in force. */
  fileRefused?: boolean;
  /** The rota file's path, and the text in the editor (the file's, or what was just refused). */
  file: string;
  text: string;
  /** The file's version the text was loaded from (a save from an older one is refused). */
  version: string | undefined;
  timeZone: string;
  csrfToken: string;
  saved?: boolean;
  /** A save refused: the file's problems, or someone else's save in between. */
  problems?: Problem[];
  conflict?: boolean;
}

const row = (key: string, value: string) =>
  `<div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">${key}</dt><dd class="nhsuk-summary-list__value">${value}</dd></div>`;
const person = (p: Person | undefined) => (p ? `${escapeHtml(p.name)} <span class="carepoint-small">(${escapeHtml(p.id)})</span>` : 'None');

function cover(title: string, id: string, onCall: OnCall, timeZone: string, from?: Date): string {
  const rows = onCall.source === 'gap'
    ? [row('Primary', '<strong>No one is on call</strong> (a gap in cover)'), row('Backup', 'None')]
    : [row('Primary', person(onCall.primary)), row('Backup', person(onCall.backup)), row('From', onCall.source === 'override' ? 'An override' : 'The shifts')];
  rows.push(row('Final contact', person(onCall.final)));
  if (from) rows.unshift(row('Starts', when(from.toISOString(), timeZone)));
  rows.push(row('Until', onCall.until ? when(onCall.until.toISOString(), timeZone) : 'No change ahead'));
  return `<h2 id="${id}">${title}</h2><dl class="nhsuk-summary-list" aria-labelledby="${id}">${rows.join('\n')}</dl>`;
}

function problemSummary(view: RotaView): string {
  if (view.conflict) {
    return `<div class="nhsuk-error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1">
<h2 class="nhsuk-error-summary__title" id="error-summary-title">The rota was not saved</h2>
<div class="nhsuk-error-summary__body"><ul class="nhsuk-list nhsuk-error-summary__list"><li><a href="#rota-text">Someone else saved the rota after you opened this page. Check the rota in force above: saving again replaces their version with yours</a></li></ul></div></div>`;
  }
  if (!view.problems?.length) return '';
  const items = view.problems.map((p) => `<li><a href="#rota-text">${escapeHtml(`${p.file}:${p.line}: ${p.message}`)}</a></li>`).join('\n');
  return `<div class="nhsuk-error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1">
<h2 class="nhsuk-error-summary__title" id="error-summary-title">The rota was not saved: ${view.problems.length} problem${view.problems.length === 1 ? '' : 's'}</h2>
<div class="nhsuk-error-summary__body"><p>Nothing has changed: the rota in force is the one before. Fix these lines and save again.</p>
<ul class="nhsuk-list nhsuk-error-summary__list">${items}</ul></div></div>`;
}

function editor(view: RotaView): string {
  const error = view.problems?.length
    ? `<span class="nhsuk-error-message" id="rota-text-error"><span class="nhsuk-u-visually-hidden">Error:</span> ${escapeHtml(view.problems.map((p) => `line ${p.line}: ${p.message}`).join('; '))}</span>`
    : '';
  return `<h2 id="edit-heading">Edit the rota</h2>
<form method="post" action="/console/rota" novalidate aria-labelledby="edit-heading">
<input type="hidden" name="_csrf" value="${escapeHtml(view.csrfToken)}">
<input type="hidden" name="version" value="${escapeHtml(view.version ?? '')}">
<div class="nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}">
<label class="nhsuk-label nhsuk-label--s" for="rota-text">The rota file (${escapeHtml(view.file)})</label>
<div class="nhsuk-hint" id="rota-text-hint">YAML: people (id, name, phone in E.164, quoted), shifts (days, from, to, primary, backup), overrides (from and to as 2026-12-24T18:00), and the final contact. Times are UK times. It is checked exactly as the file is: a rota with a problem is not saved.</div>
${error}
<textarea class="nhsuk-textarea carepoint-rota-text${error ? ' nhsuk-textarea--error' : ''}" id="rota-text" name="rota" rows="28" spellcheck="false" autocomplete="off" aria-describedby="rota-text-hint${error ? ' rota-text-error' : ''}">${escapeHtml(view.text)}</textarea>
</div>
<button class="nhsuk-button" type="submit">Save the rota</button>
</form>`;
}

export function rotaPageBody(view: RotaView): string {
  const saved = view.saved
    ? `<div class="nhsuk-notification-banner nhsuk-notification-banner--success" role="alert" aria-labelledby="saved-banner-title">
<div class="nhsuk-notification-banner__header"><h2 class="nhsuk-notification-banner__title" id="saved-banner-title">Saved</h2></div>
<div class="nhsuk-notification-banner__content"><p class="nhsuk-notification-banner__heading">The rota is saved and in force now, on every instance. The version before it is kept beside the file.</p></div></div>`
    : '';
  const inForce = view.now
    ? `${cover('On call now', 'now-heading', view.now, view.timeZone)}
${view.next && view.now.until ? cover('Next on call', 'next-heading', view.next, view.timeZone, view.now.until) : ''}`
    : `<div class="nhsuk-warning-callout"><h2 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>No rota is in force</span></h2>
<p>No one is on call, and nobody can be paged. Add the rota below.</p></div>`;
  const refused = view.fileRefused
    ? `<div class="nhsuk-warning-callout"><h3 class="nhsuk-warning-callout__label"><span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>The rota file has problems</span></h3>
<p>It was changed outside this page and cannot be used: ${view.now ? 'the last good rota, shown above, stays in force' : 'no rota is in force'} until it is fixed. The problems are listed below.</p></div>`
    : '';
  const check = `${refused}<h2 id="check-heading">The next 8 weeks</h2>
<p class="nhsuk-body">What <code>npm run rota -- check</code> says of the file: problems with their line, people not listed, and gaps in cover.</p>
<ul class="nhsuk-list${view.check.failed ? ' nhsuk-list--bullet carepoint-check--failed' : ' nhsuk-list--bullet'}" aria-labelledby="check-heading">
${view.check.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('\n')}</ul>`;
  return `${problemSummary(view)}${saved}
${inForce}
${check}
${editor(view)}`;
}
