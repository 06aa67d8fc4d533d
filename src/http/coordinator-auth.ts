import { timingSafeEqual } from 'node:crypto';
import type { Request } from 'restify';

export interface Coordinator {
  id: string;
  name: string;
}

/** How a co-ordinator proves who they are. Entra ID sign-in will be another implementation. */
export interface CoordinatorAuthenticator {
  authenticate(req: Request): Promise<Coordinator | null>;
}

/**
 * Until Entra ID sign-in exists: one development token, and only while the server listens on loopback,
 * so it can never open the queue to a network.
 */
export class DevTokenAuthenticator implements CoordinatorAuthenticator {
  constructor(
    private readonly token: string | undefined,
    private readonly boundToLoopback: boolean,
  ) {}

  async authenticate(req: Request): Promise<Coordinator | null> {
    if (!this.token || !this.boundToLoopback) return null;
    const match = /^Bearer (.+)$/.exec(req.header('authorization') ?? '');
    if (!match) return null;
    const given = Buffer.from(match[1]!);
    const expected = Buffer.from(this.token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    return { id: 'dev-coordinator', name: 'Development co-ordinator' };
  }
}
