import type { Request, Response, Server } from 'restify';
import type { Database } from '../../db/database.js';
import { ROLES } from '../../http/coordinator-auth.js';
import { Forbidden, Unauthorized } from '../../http/errors.js';
import type { LoggedRequest } from '../../http/server.js';
import { appendAudit } from '../../concerns/audit/append-audit.js';
import { escapeHtml, landingBody, MISSING_ANY_ROLE, sendPage } from './console-pages.js';
import { readCookie, setCookie } from './cookies.js';
import { redeemDevSignInToken } from './dev-sign-in.js';
import { isConsoleReturnPath } from './return-to.js';
import type { EntraSignIn } from './entra-sign-in.js';
import { SIGN_IN_SECONDS } from './entra-sign-in.js';
import { equalSecrets, signValue, verifySignedValue } from './secrets.js';
import type { ConsoleSessions } from './session-authenticator.js';
import { createSession, type ConsoleIdentity } from './session-store.js';

const SIGN_IN_COOKIE = 'carepoint_console_sign_in';
const CALLBACK_PATH = '/console/auth/callback';

export interface ConsoleAuthDeps {
  db: Database;
  sessions: ConsoleSessions;
  /**
   * entra: Entra ID sign-in. dev: the development sign-in link (no Entra ID, loopback, not production).
   * off: neither (no Entra ID on a network address): every console request is refused.
   */
  mode: { kind: 'entra'; signIn: EntraSignIn; origin: string } | { kind: 'dev' } | { kind: 'off' };
  /** PUBLIC_BASE_URL, or the address the server listens on. */
  baseUrl: () => string;
  cookie: { secret: string; secure: boolean };
  /** The client's address, for the audit log's "from where". */
  addressOf: (req: Request) => string | undefined;
}

/** Sign-in, callback, development sign-in, sign-out, and the console's landing page. */
export function registerConsoleAuthRoutes(server: Server, deps: ConsoleAuthDeps): void {
  const formOrigins = deps.mode.kind === 'entra' ? [deps.mode.origin] : [];
  const page = (handler: (req: Request, res: Response) => Promise<void>) => async (req: Request, res: Response) => {
    try {
      if (deps.mode.kind === 'off') {
        sendPage(res, 503, 'The console is off', '<p>Microsoft Entra ID is not configured (ENTRA_TENANT_ID, ENTRA_CLIENT_ID), so nobody can sign in here.</p>');
        return;
      }
      await handler(req, res);
    } catch (error) {
      if (error instanceof Unauthorized || error instanceof Forbidden) {
        const title = error instanceof Forbidden ? 'You cannot do that' : 'You are not signed in';
        sendPage(res, error.status, title, `<p>${escapeHtml(error.message)}.</p><p><a href="/console/sign-in">Sign in</a></p>`, formOrigins);
        return;
      }
      (req as LoggedRequest).carepointLog.error({ err: error }, 'console page failed');
      sendPage(res, 500, 'Something went wrong', '<p>Something went wrong on our side. Try again in a moment.</p>');
    }
  };
  const redirect = (res: Response, location: string) => res.sendRaw(302, '', { location, 'cache-control': 'no-store' });

  const signedIn = async (req: Request, res: Response, identity: ConsoleIdentity, returnTo: string) => {
    const { id } = await createSession(deps.db, identity);
    deps.sessions.start(res, id);
    await appendAudit(deps.db, {
      actor: { id: identity.userId, name: identity.name }, action: 'sign-in', source: deps.addressOf(req) ?? null,
      detail: { with: identity.signedInWith, roles: identity.roles },
    });
    redirect(res, returnTo);
  };

  server.get('/console', page(async (req, res) => {
    const session = await deps.sessions.current(req);
    if (!session) return redirect(res, '/console/sign-in');
    const viewer = { name: session.name, roles: session.roles, csrfToken: session.csrfSecret };
    if (session.roles.length === 0) return sendPage(res, 403, 'You have no Carepoint role', MISSING_ANY_ROLE(session.name, session.csrfSecret), formOrigins, { viewer });
    sendPage(res, 200, 'Carepoint console', landingBody(session, session.csrfSecret), formOrigins, { viewer, current: { section: 'home', exact: true } });
  }));

  server.get('/console/sign-in', page(async (req, res) => {
    if (deps.mode.kind === 'dev') {
      return sendPage(res, 200, 'Development sign-in', `<p>There is no Microsoft Entra ID here (development on this machine).
Use the one-time sign-in link that <code>npm start</code> printed; it works once, within ten minutes. Restart for a new one.</p>`);
    }
    if (deps.mode.kind !== 'entra') return;
    const { url, state } = await deps.mode.signIn.start(deps.baseUrl() + CALLBACK_PATH, safeReturnTo(req.query?.returnTo));
    // Ties the callback to this browser: a code and state sent to someone else's browser signs no one in there.
    setCookie(res, SIGN_IN_COOKIE, signValue(state, deps.cookie.secret), {
      secure: deps.cookie.secure, maxAgeSeconds: SIGN_IN_SECONDS, path: '/console/auth',
    });
    redirect(res, url);
  }));

  server.get(CALLBACK_PATH, page(async (req, res) => {
    if (deps.mode.kind !== 'entra') throw new Unauthorized('Entra ID sign-in is not configured');
    const query = (req.query ?? {}) as Record<string, unknown>;
    if (typeof query.error === 'string') throw new Unauthorized(`Entra ID did not sign you in (${query.error})`);
    const { code, state } = query;
    if (typeof code !== 'string' || typeof state !== 'string') throw new Unauthorized('the sign-in response is incomplete');
    const cookie = readCookie(req, SIGN_IN_COOKIE);
    const expected = cookie ? verifySignedValue(cookie, deps.cookie.secret) : undefined;
    if (!expected || !equalSecrets(state, expected)) throw new Unauthorized('this sign-in was started in another browser or has expired');
    setCookie(res, SIGN_IN_COOKIE, '', { secure: deps.cookie.secure, maxAgeSeconds: 0, path: '/console/auth' });
    const { identity, returnTo } = await deps.mode.signIn.finish(deps.baseUrl() + CALLBACK_PATH, { code, state });
    await signedIn(req, res, identity, returnTo);
  }));

  server.get('/console/dev-sign-in', page(async (req, res) => {
    const token = (req.query as Record<string, unknown> | undefined)?.token;
    if (deps.mode.kind !== 'dev' || typeof token !== 'string' || !(await redeemDevSignInToken(deps.db, token))) {
      throw new Unauthorized('this sign-in link is not valid: it works once, within ten minutes');
    }
    await signedIn(req, res, { userId: 'dev-coordinator', name: 'Development co-ordinator', roles: [...ROLES], signedInWith: 'dev' }, '/console');
  }));

  server.get('/console/sign-out', page(async (req, res) => {
    const session = await deps.sessions.current(req);
    if (session) {
      return sendPage(res, 200, 'Sign out', `<p>You are signed in as <strong>${escapeHtml(session.name)}</strong>.</p>
<form method="post" action="/console/sign-out"><input type="hidden" name="_csrf" value="${escapeHtml(session.csrfSecret)}">
<button class="nhsuk-button" type="submit">Sign out</button></form>`, formOrigins);
    }
    sendPage(res, 200, 'You are signed out', '<p><a href="/console/sign-in">Sign in again</a></p>');
  }));

  server.post('/console/sign-out', page(async (req, res) => {
    // authenticate checks the CSRF token: a cross-site form cannot sign anyone out.
    const coordinator = await deps.sessions.authenticate(req);
    if (!coordinator) return redirect(res, '/console/sign-out');
    const ended = await deps.sessions.end(req, res);
    await appendAudit(deps.db, {
      actor: { id: coordinator.id, name: coordinator.name }, action: 'sign-out', source: deps.addressOf(req) ?? null, detail: { with: ended?.signedInWith },
    });
    const entraSignOut = ended?.signedInWith === 'entra' && deps.mode.kind === 'entra'
      ? await deps.mode.signIn.signOutUrl(deps.baseUrl() + '/console/sign-out')
      : undefined;
    redirect(res, entraSignOut ?? '/console/sign-out');
  }));
}

function safeReturnTo(value: unknown): string {
  return typeof value === 'string' && isConsoleReturnPath(value) ? value : '/console';
}
