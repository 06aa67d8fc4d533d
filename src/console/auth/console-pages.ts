import type { Response } from 'restify';
import type { Role } from '../../http/coordinator-auth.js';
import { escapeHtml } from '../pages/html.js';
import { sendConsolePage, type ConsolePage, type Viewer } from '../pages/layout.js';

/** What each role opens, for the pages that explain a 403. */
const ROLE_PURPOSE: Record<Role, string> = {
  Coordinator: 'the co-ordinators\' queue and the figures',
  ContentEditor: 'the knowledge report',
  Admin: 'the audit log, the rota and the figures',
};

export { escapeHtml };

/** Server-rendered pages in the console's layout: no script, styles from this origin only, never framed. */
export function sendPage(
  res: Response, status: number, title: string, body: string, formOrigins: string[] = [],
  extra: { viewer?: Viewer; current?: ConsolePage['current'] } = {},
): void {
  sendConsolePage(res, { status, title, body, formOrigins, ...extra });
}

export function signOutForm(csrfToken: string): string {
  return `<form method="post" action="/console/sign-out">
<input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}">
<button class="nhsuk-button nhsuk-button--secondary" type="submit">Sign out</button>
</form>`;
}

/** Where each role's page is, for the landing page's links. */
const ROLE_PAGE: Partial<Record<Role, string>> = { Coordinator: '/console/queue', Admin: '/console/audit' };

export function landingBody(person: { name: string; roles: Role[] }, csrfToken: string): string {
  const roles = person.roles.map((r) => {
    const page = ROLE_PAGE[r];
    const purpose = escapeHtml(ROLE_PURPOSE[r]);
    return `<li><strong>${r}</strong>: ${page ? `<a href="${page}">${purpose}</a>` : purpose}</li>`;
  }).join('');
  return `<p>Signed in as <strong>${escapeHtml(person.name)}</strong>.</p>
<h2 class="nhsuk-heading-s">Your roles</h2>
<ul class="nhsuk-list nhsuk-list--bullet">${roles}</ul>
${signOutForm(csrfToken)}`;
}

/** A 403 that says why: who is signed in and which role is missing. */
export function missingRoleBody(person: { name: string; roles: Role[] }, needed: Role | readonly Role[], csrfToken: string): string {
  const held = person.roles.length ? person.roles.join(', ') : 'no Carepoint role';
  const roles: readonly Role[] = typeof needed === 'string' ? [needed] : needed;
  const what = roles.length === 1 ? `the <strong>${roles[0]}</strong> role (for ${escapeHtml(ROLE_PURPOSE[roles[0]!])})` : `the <strong>${roles.join('</strong> or <strong>')}</strong> role`;
  return `<p>You are signed in as <strong>${escapeHtml(person.name)}</strong>, with ${escapeHtml(held)}.</p>
<p>This page needs ${what}.
Ask your organisation's Carepoint administrator to assign you that app role in Microsoft Entra ID, then sign out and in again.</p>
${signOutForm(csrfToken)}`;
}

export const MISSING_ANY_ROLE = (name: string, csrfToken: string) =>
  `<p>You are signed in as <strong>${escapeHtml(name)}</strong>, but you have no Carepoint role
(Coordinator, ContentEditor or Admin).</p>
<p>Ask your organisation's Carepoint administrator to assign you an app role in Microsoft Entra ID, then sign out and in again.</p>
${signOutForm(csrfToken)}`;
