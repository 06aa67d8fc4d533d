import type { Response } from 'restify';
import type { Role } from '../../http/coordinator-auth.js';
import { escapeHtml } from './html.js';

/** The signed-in person a page is for: their name in the header, the sections their roles open, sign-out. */
export interface Viewer {
  name: string;
  roles: Role[];
  csrfToken: string;
}

export type Section = 'home' | 'queue' | 'figures' | 'rota' | 'audit';

export interface ConsolePage {
  status: number;
  title: string;
  /** The HTML under the page's <h1>, escaped by whoever built it. */
  body: string;
  viewer?: Viewer;
  /** The section the page is in; `exact` when it is that section's own page (aria-current="page"). */
  current?: { section: Section; exact: boolean };
  /** Where forms may post besides this origin (sign-out is redirected on to Entra ID's own). */
  formOrigins?: string[];
  /** Loads /assets/console.js (live updates); only then does the policy allow a script, and only from here. */
  script?: boolean;
  /** The full width of the window, for wide tables (the queue, the audit log). */
  wide?: boolean;
}

/** The header's links; each shown to anyone holding one of its roles. */
const SECTIONS: { section: Section; label: string; href: string; roles?: Role[] }[] = [
  { section: 'home', label: 'Home', href: '/console' },
  { section: 'queue', label: 'Queue', href: '/console/queue', roles: ['Coordinator'] },
  { section: 'figures', label: 'Figures', href: '/console/figures', roles: ['Coordinator', 'Admin'] },
  { section: 'rota', label: 'Rota', href: '/console/rota', roles: ['Admin'] },
  { section: 'audit', label: 'Audit log', href: '/console/audit', roles: ['Admin'] },
];

const NHS_LOGO = `<svg class="nhsuk-header__logo" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 80" height="40" width="100" focusable="false" role="img" aria-label="NHS"><title>NHS</title><path fill="currentcolor" d="M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5-29 22 0 10.2 7.7 13.5 14.7 16.3l.7.3c5.4 2 10.1 3.9 10.1 8.4 0 6.5-8.5 7.5-14 7.5s-12.5-1.5-16-3.5L135 70c5.5 2 13.5 3.5 20 3.5 15.5 0 32-4.5 32-22.5 0-19.5-25.5-16.5-25.5-25.5 0-5.5 5.5-6.5 12.5-6.5a35 35 0 0 1 14.5 3l4-13.5c-4.5-2-12-3-20-3Zm-131 2h-22l-14 65H22l9-45h.5l13.5 45h21.5l14-65H64l-9 45h-.5l-13-45Zm63 0h-18l-13 65h17l6-28H117l-5.5 28H129l13.5-65H125L119.5 32h-20l5-24.5Z"/></svg>`;

function header(page: ConsolePage): string {
  const viewer = page.viewer;
  const width = page.wide ? 'nhsuk-width-container-fluid' : 'nhsuk-width-container';
  const account = viewer ? `<nav class="nhsuk-header__account" aria-label="Account"><ul class="nhsuk-header__account-list">
<li class="nhsuk-header__account-item">Signed in as ${escapeHtml(viewer.name)}</li>
<li class="nhsuk-header__account-item"><form class="nhsuk-header__account-form" method="post" action="/console/sign-out">
<input type="hidden" name="_csrf" value="${escapeHtml(viewer.csrfToken)}"><button class="nhsuk-header__account-button" type="submit">Sign out</button></form></li>
</ul></nav>` : '';
  const links = viewer
    ? SECTIONS.filter((s) => !s.roles || s.roles.some((r) => viewer.roles.includes(r))).map((s) => {
      const current = page.current?.section === s.section;
      const aria = current ? ` aria-current="${page.current?.exact ? 'page' : 'true'}"` : '';
      return `<li class="nhsuk-header__navigation-item${current ? ' nhsuk-header__navigation-item--current' : ''}"><a class="nhsuk-header__navigation-link" href="${s.href}"${aria}>${s.label}</a></li>`;
    }).join('\n')
    : '';
  const navigation = links ? `<nav class="nhsuk-header__navigation" aria-label="Console sections"><div class="nhsuk-header__navigation-container ${width}">
<ul class="nhsuk-header__navigation-list">${links}</ul></div></nav>` : '';
  return `<header class="nhsuk-header" role="banner"><div class="nhsuk-header__container ${width}">
<div class="nhsuk-header__service"><a class="nhsuk-header__service-logo" href="/console" aria-label="Carepoint console home">${NHS_LOGO}
<span class="nhsuk-header__service-name">Carepoint console</span></a></div>
${account}</div>
${navigation}</header>`;
}

export function renderPage(page: ConsolePage): string {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} - Carepoint console</title>
<link rel="icon" href="/favicon.ico" sizes="48x48">
<link rel="stylesheet" href="/assets/nhsuk-frontend.min.css">
<link rel="stylesheet" href="/assets/console.css">
${page.script ? '<script type="module" src="/assets/console.js"></script>\n' : ''}</head>
<body>
<a class="nhsuk-skip-link" href="#maincontent">Skip to main content</a>
${header(page)}
<div class="${page.wide ? 'nhsuk-width-container-fluid' : 'nhsuk-width-container'}"><main class="nhsuk-main-wrapper" id="maincontent" tabindex="-1">
<h1>${escapeHtml(page.title)}</h1>
${page.body}
</main></div>
</body>
</html>`;
}

/** The console's policy: this origin only; no script at all unless the page loads console.js; never framed. */
export function consolePolicy(options: { script?: boolean; formOrigins?: string[] } = {}): string {
  return ["default-src 'self'", `script-src ${options.script ? "'self'" : "'none'"}`, "img-src 'self' data:", "object-src 'none'",
    "base-uri 'none'", `form-action 'self'${(options.formOrigins ?? []).map((o) => ` ${o}`).join('')}`, "frame-ancestors 'none'"].join('; ');
}

/** Headers every console response carries (pages and the fragments live updates fetch). */
export function htmlHeaders(options: { script?: boolean; formOrigins?: string[] } = {}): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy': consolePolicy(options),
  };
}

export function sendConsolePage(res: Response, page: ConsolePage): void {
  res.sendRaw(page.status, renderPage(page), htmlHeaders(page));
}
