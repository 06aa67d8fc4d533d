import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'restify';
import type { SourceLimiter } from '../limits/source-limiter.js';
import { Forbidden, TooManyRequests, Unauthorized } from './errors.js';

export type Role = 'Coordinator' | 'ContentEditor' | 'Admin';

export interface Coordinator {
  id: string;
  name: string;
  roles: Role[];
  /** How they signed in. */
  via: 'dev-token' | 'session';
}

/** How a co-ordinator proves who they are. Entra ID sign-in will be another implementation. */
export interface CoordinatorAuthenticator {
  authenticate(req: Request): Promise<Coordinator | null>;
}

/** Wrong dev tokens a source may try before it must wait; one more each minute after that. */
export const DEV_TOKEN_FAILURES = { scope: 'dev-token-failures', burst: 10, perSecond: 1 / 60 } as const;

/**
 * Until Entra ID sign-in exists: one development token, and only while the server listens on loopback,
 * so it can never open the queue to a network. Failed attempts are limited per source across instances
 * (`failures`), so the token cannot be guessed by trying.
 */
export class DevTokenAuthenticator implements CoordinatorAuthenticator {
  constructor(
    private readonly token: string | undefined,
    private readonly boundToLoopback: boolean,
    private readonly failures?: { limiter: SourceLimiter; sourceOf: (req: Request) => string },
  ) {}

  async authenticate(req: Request): Promise<Coordinator | null> {
    if (!this.token || !this.boundToLoopback) return null;
    const match = /^Bearer (.+)$/.exec(req.header('authorization') ?? '');
    if (!match) return null;
    const source = this.failures?.sourceOf(req);
    // Refused before the token is compared: while a source is locked out, even the right token tells it nothing.
    if (this.failures && source && (await this.failures.limiter.exhausted(source))) {
      throw new TooManyRequests('too many failed sign-in attempts: wait a minute and try again', 60);
    }
    const given = Buffer.from(match[1]!);
    const expected = Buffer.from(this.token);
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      return { id: 'dev-coordinator', name: 'Development co-ordinator', roles: ['Coordinator', 'ContentEditor', 'Admin'], via: 'dev-token' };
    }
    if (this.failures && source) await this.failures.limiter.take(source);
    return null;
  }
}

/** The signed-in person, if they hold `role`: Unauthorized (401) when nobody is signed in, Forbidden (403) without it. */
export async function requireRole(auth: CoordinatorAuthenticator, req: Request, role: Role): Promise<Coordinator> {
  const who = await auth.authenticate(req);
  if (!who) throw new Unauthorized('sign in as a co-ordinator');
  if (!who.roles.includes(role)) throw new Forbidden(`this needs the ${role} role`);
  return who;
}
