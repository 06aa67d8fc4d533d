import type { Request, Response } from 'restify';
import type { Database } from '../../db/database.js';
import type { Coordinator, CoordinatorAuthenticator } from '../../http/coordinator-auth.js';
import { readCookie, setCookie } from './cookies.js';
import { changesState, checkCsrf } from './csrf.js';
import { endSession, peekSession, touchSession, type ConsoleSession } from './session-store.js';
import { signValue, verifySignedValue } from './secrets.js';

export const SESSION_COOKIE = 'carepoint_console';

export interface SessionCookieSettings {
  /** SESSION_SECRET: the HMAC key of the cookie. */
  secret: string;
  secure: boolean;
}

/** The console's session cookie: read (a tampered value is refused before any database read), written, cleared. */
export class ConsoleSessions implements CoordinatorAuthenticator {
  constructor(
    private readonly db: Database,
    private readonly cookie: SessionCookieSettings,
  ) {}

  /** The session id from a cookie whose signature holds, else undefined. */
  sessionIdOf(req: Request): string | undefined {
    const raw = readCookie(req, SESSION_COOKIE);
    return raw ? verifySignedValue(raw, this.cookie.secret) : undefined;
  }

  /** The live session behind the request's cookie (idle clock restarted), with no CSRF check: for pages. */
  async current(req: Request): Promise<ConsoleSession | undefined> {
    const id = this.sessionIdOf(req);
    return id ? touchSession(this.db, id) : undefined;
  }

  /** The live session, its idle clock left alone: for requests a page makes by itself (live updates). */
  async peek(req: Request): Promise<ConsoleSession | undefined> {
    const id = this.sessionIdOf(req);
    return id ? peekSession(this.db, id) : undefined;
  }

  /** For the JSON API and forms: a state-changing request must carry the session's CSRF token (Forbidden otherwise). */
  async authenticate(req: Request): Promise<Coordinator | null> {
    const session = await this.current(req);
    if (!session) return null;
    if (changesState(req)) checkCsrf(req, session.csrfSecret);
    return { id: session.userId, name: session.name, roles: session.roles, via: 'session' };
  }

  start(res: Response, id: string): void {
    setCookie(res, SESSION_COOKIE, signValue(id, this.cookie.secret), { secure: this.cookie.secure });
  }

  /** Ends the request's session in the database and removes the cookie. */
  async end(req: Request, res: Response): Promise<ConsoleSession | undefined> {
    const id = this.sessionIdOf(req);
    setCookie(res, SESSION_COOKIE, '', { secure: this.cookie.secure, maxAgeSeconds: 0 });
    return id ? endSession(this.db, id) : undefined;
  }
}
