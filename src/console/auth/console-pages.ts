import type { Response } from 'restify';
import type { Role } from '../../http/coordinator-auth.js';

/** What each role opens, for the pages that explain a 403. */
const ROLE_PURPOSE: Record<Role, string> = {
  Coordinator: 'the co-ordinators\' queue',
  ContentEditor: 'the knowledge report',
  Admin: 'the audit log',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Server-rendered pages: no script, styles from this origin only, never framed. */
export function sendPage(res: Response, status: number, title: string, body: string, formOrigins: string[] = []): void {
  const html = `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} - Carepoint console</title>
<link rel="stylesheet" href="/assets/nhsuk-frontend.min.css">
</head>
<body>
<header class="nhsuk-header" role="banner"><div class="nhsuk-header__container nhsuk-width-container">
<a class="nhsuk-header__service-name" href="/console">Carepoint console</a></div></header>
<div class="nhsuk-width-container"><main class="nhsuk-main-wrapper" id="maincontent">
<h1>${escapeHtml(title)}</h1>
${body}
</main></div>
</body>
</html>`;
  res.sendRaw(status, html, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    // form-action: sign-out posts here and is redirected on to Entra ID's own sign-out.
    'content-security-policy': ["default-src 'self'", "script-src 'none'", "img-src 'self' data:", "object-src 'none'",
      "base-uri 'none'", `form-action 'self'${formOrigins.map((o) => ` ${o}`).join('')}`, "frame-ancestors 'none'"].join('; '),
  });
}

export function signOutForm(csrfToken: string): string {
  return `<form method="post" action="/console/sign-out">
<input type="hidden" name="_csrf" value="${escapeHtml(csrfToken)}">
<button class="nhsuk-button nhsuk-button--secondary" type="submit">Sign out</button>
</form>`;
}

export function landingBody(person: { name: string; roles: Role[] }, csrfToken: string): string {
  const roles = person.roles.map((r) => `<li><strong>${r}</strong>: ${escapeHtml(ROLE_PURPOSE[r])}</li>`).join('');
  return `<p>Signed in as <strong>${escapeHtml(person.name)}</strong>.</p>
<h2 class="nhsuk-heading-s">Your roles</h2>
<ul class="nhsuk-list nhsuk-list--bullet">${roles}</ul>
${signOutForm(csrfToken)}`;
}

/** A 403 that says why: who is signed in and which role is missing. */
export function missingRoleBody(person: { name: string; roles: Role[] }, needed: Role, csrfToken: string): string {
  const held = person.roles.length ? person.roles.join(', ') : 'no Carepoint role';
  return `<p>You are signed in as <strong>${escapeHtml(person.name)}</strong>, with ${escapeHtml(held)}.</p>
<p>This page needs the <strong>${needed}</strong> role (for ${escapeHtml(ROLE_PURPOSE[needed])}).
Ask your organisation's Carepoint administrator to assign you that app role in Microsoft Entra ID, then sign out and in again.</p>
${signOutForm(csrfToken)}`;
}

export const MISSING_ANY_ROLE = (name: string, csrfToken: string) =>
  `<p>You are signed in as <strong>${escapeHtml(name)}</strong>, but you have no Carepoint role
(Coordinator, ContentEditor or Admin).</p>
<p>Ask your organisation's Carepoint administrator to assign you an app role in Microsoft Entra ID, then sign out and in again.</p>
${signOutForm(csrfToken)}`;
