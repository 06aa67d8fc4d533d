import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'restify';
import type { SourceLimiter } from '../limits/source-limiter.js';
import { Forbidden, TooManyRequests, Unauthorized } from './errors.js';

/** Entra ID app roles: the queue, the knowledge report, the audit log (and later the rota). */
export type Role = 'Coordinator' | 'ContentEditor' | 'Admin';
export const ROLES: readonly Role[] = ['Coordinator', 'ContentEditor', 'Admin'];

export interface Coordinator {
  id: string;
  name: string;
  roles: Role[];
  /** How this request proved who it is: the console's cookie, an Entra ID access token, or the dev token. */
  via: 'session' | 'bearer' | 'dev-token';
}

/**
 * How a co-ordinator proves who they are. null: this request carries no identity this authenticator knows.
 * It throws (Forbidden, Unauthorized, TooManyRequests) when the request carries one and it is refused.
 */
export interface CoordinatorAuthenticator {
  authenticate(req: Request): Promise<Coordinator | null>;
}

/** Keeps the roles Carepoint knows from a token's `roles` claim; anything else is ignored. */
export function knownRoles(claim: unknown): Role[] {
  if (!Array.isArray(claim)) return [];
  return ROLES.filter((role) => claim.includes(role));
}

/** The signed-in co-ordinator, who must hold `role`: 401 with no identity, 403 without the role. */
export async function requireRole(auth: CoordinatorAuthenticator, req: Request, role: Role): Promise<Coordinator> {
  const coordinator = await auth.authenticate(req);
  if (!coordinator) throw new Unauthorized('sign in as a co-ordinator');
  if (!coordinator.roles.includes(role)) throw new Forbidden(`this needs the ${role} role`);
  return coordinator;
}

/** Tries each way of signing in in turn (session cookie, Entra ID bearer token, dev token); the first identity wins. */
export class CompositeAuthenticator implements CoordinatorAuthenticator {
  constructor(private readonly authenticators: readonly CoordinatorAuthenticator[]) {}

  async authenticate(req: Request): Promise<Coordinator | null> {
    for (const authenticator of this.authenticators) {
      const coordinator = await authenticator.authenticate(req);
      if (coordinator) return coordinator;
    }
    return null;
  }
}

/** Wrong dev tokens a source may try before it must wait; one more each minute after that. */
export const DEV_TOKEN_FAILURES = { scope: 'dev-token-failures', burst: 10, perSecond: 1 / 60 } as const;

/**
 * For the API on a developer's machine: one development token, and only while the server listens on loopback,
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
      return { id: 'dev-coordinator', name: 'Development co-ordinator', roles: [...ROLES], via: 'dev-token' };
    }
    if (this.failures && source) await this.failures.limiter.take(source);
    return null;
  }
}
