import type { Request, Response } from 'restify';
import type { ActedBy } from '../concerns/actions.js';
import type { Role } from '../http/coordinator-auth.js';
import { Forbidden, NotFound, Unauthorized } from '../http/errors.js';
import type { LoggedRequest } from '../http/server.js';
import { missingRoleBody } from './auth/console-pages.js';
import { checkCsrf } from './auth/csrf.js';
import { isConsoleReturnPath } from './auth/return-to.js';
import type { ConsoleSessions } from './auth/session-authenticator.js';
import type { ConsoleSession } from './auth/session-store.js';
import { escapeHtml } from './pages/html.js';
import { sendConsolePage, type ConsolePage, type Viewer } from './pages/layout.js';

/** Who a console request is from: the session, how pages show them, and how actions and the audit log name them. */
export interface SignedIn {
  session: ConsoleSession;
  viewer: Viewer;
  by: ActedBy;
}

/**
 * Who may see a console page or post its forms: a console session (the cookie) holding the page's role. Pages send
 * someone signed out to sign in and someone without the role to a 403 page that says which role; a page's own
 * background requests (live updates) get a bare 401 or 403, and do not count as activity on the session.
 */
export class ConsoleAccess {
  constructor(
    private readonly deps: {
      sessions?: ConsoleSessions;
      formOrigins: string[];
      addressOf: (req: Request) => string | undefined;
    },
  ) {}

  send(res: Response, page: Omit<ConsolePage, 'formOrigins'>): void {
    sendConsolePage(res, { ...page, formOrigins: this.deps.formOrigins });
  }

  /** For GET: the signed-in person with `role`, or undefined once the response has been sent. */
  async page(req: Request, res: Response, role: Role | readonly Role[], options: { background?: boolean } = {}): Promise<SignedIn | undefined> {
    const sessions = this.deps.sessions;
    if (!sessions) return void this.off(res);
    const session = options.background ? await sessions.peek(req) : await sessions.current(req);
    if (!session) {
      if (options.background) return void res.sendRaw(401, 'signed out', { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      return void res.sendRaw(302, '', { location: signInFor(req.getUrl().path ?? req.path()), 'cache-control': 'no-store' });
    }
    return this.withRole(req, res, session, role, options.background);
  }

  /** The live session behind a background request, if any, without renewing it. */
  peek(req: Request): Promise<ConsoleSession | undefined> {
    return this.deps.sessions?.peek(req) ?? Promise.resolve(undefined);
  }

  /** For a form's POST: as `page`, and the form must carry the session's CSRF token (403 otherwise). */
  async form(req: Request, res: Response, role: Role | readonly Role[]): Promise<SignedIn | undefined> {
    const sessions = this.deps.sessions;
    if (!sessions) return void this.off(res);
    const session = await sessions.current(req);
    // Back to the page the form was on (the form's own path takes only POST).
    if (!session) return void res.sendRaw(303, '', { location: signInFor(req.path().replace(/\/[^/]+$/, '')), 'cache-control': 'no-store' });
    checkCsrf(req, session.csrfSecret);
    return this.withRole(req, res, session, role, false);
  }

  /**
   * Runs a page's handler, answering what it throws as a page: 404 for what does not exist, 403 for a refused
   * form, and for anything unexpected a 500 that says nothing of it (it is logged).
   */
  handle(handler: (req: Request, res: Response) => Promise<void>) {
    return async (req: Request, res: Response) => {
      try {
        await handler(req, res);
      } catch (error) {
        if (res.headersSent) return;
        if (error instanceof NotFound) return this.send(res, { status: 404, title: 'Page not found', body: `<p>${escapeHtml(error.message || 'There is nothing here')}.</p><p><a href="/console/queue">Go to the queue</a></p>` });
        if (error instanceof Forbidden) return this.send(res, { status: 403, title: 'You cannot do that', body: `<p>${escapeHtml(error.message)}.</p>` });
        if (error instanceof Unauthorized) return void res.sendRaw(302, '', { location: '/console/sign-in', 'cache-control': 'no-store' });
        (req as LoggedRequest).carepointLog.error({ err: error }, 'console page failed');
        this.send(res, { status: 500, title: 'Something went wrong', body: '<p>Something went wrong on our side. Try again in a moment.</p>' });
      }
    };
  }

  /** Any one of `role` (a list) lets the person in. */
  private withRole(req: Request, res: Response, session: ConsoleSession, role: Role | readonly Role[], background?: boolean): SignedIn | undefined {
    const viewer = { name: session.name, roles: session.roles, csrfToken: session.csrfSecret };
    const roles: readonly Role[] = typeof role === 'string' ? [role] : role;
    if (!roles.some((r) => session.roles.includes(r))) {
      const named = roles.join(' or ');
      if (background) return void res.sendRaw(403, `this needs the ${named} role`, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      return void this.send(res, { status: 403, title: `You need the ${named} role`, body: missingRoleBody(session, roles, session.csrfSecret), viewer });
    }
    return { session, viewer, by: { actor: { id: session.userId, name: session.name }, source: this.deps.addressOf(req) ?? null } };
  }

  private off(res: Response): void {
    this.send(res, { status: 503, title: 'The console is off', body: '<p>Microsoft Entra ID is not configured (ENTRA_TENANT_ID, ENTRA_CLIENT_ID), so nobody can sign in here.</p>' });
  }
}

/** The sign-in page, coming back here afterwards (console paths only: sign-in refuses anything else). */
function signInFor(path: string): string {
  return isConsoleReturnPath(path) ? `/console/sign-in?returnTo=${encodeURIComponent(path)}` : '/console/sign-in';
}
