import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Request, Server } from 'restify';
import { isLoopbackHost, type Config } from '../../config.js';
import type { Database } from '../../db/database.js';
import type { CoordinatorAuthenticator } from '../../http/coordinator-auth.js';
import type { Logger } from '../../logging.js';
import { registerConsoleAuthRoutes, type ConsoleAuthDeps } from './console-auth-routes.js';
import { issueDevSignInToken } from './dev-sign-in.js';
import { EntraBearerAuthenticator } from './entra-bearer.js';
import { EntraDirectory, type EntraFetch } from './entra-directory.js';
import { EntraSignIn, type EntraClientSettings } from './entra-sign-in.js';
import { ConsoleSessions } from './session-authenticator.js';

export interface ConsoleAuth {
  /** In the order they are tried: the session cookie, then Entra ID access tokens. */
  authenticators: CoordinatorAuthenticator[];
  /** Only in development sign-in mode: a fresh one-time link. */
  devSignInLink?: (listeningUrl: string) => Promise<string>;
  /** The console's sessions, for its pages; none when the console is off (no way to sign in). */
  sessions?: ConsoleSessions;
  /** Where the console's forms may post besides this origin (Entra ID, for sign-out). */
  formOrigins: string[];
}

/**
 * Console sign-in as configured: Entra ID when ENTRA_* are set; otherwise, outside production on loopback, the
 * development sign-in; otherwise nothing (console pages refuse, the queue API accepts no one but a loopback dev token).
 */
export function buildConsoleAuth(
  server: Server,
  deps: { config: Config; db: Database; logger: Logger; baseUrl: () => string; fetch?: EntraFetch; addressOf: (req: Request) => string | undefined },
): ConsoleAuth {
  const { config, db, logger } = deps;
  const secure = (config.PUBLIC_BASE_URL ?? '').startsWith('https:');
  if (!config.SESSION_SECRET) logger.warn({ event: 'session-secret-random' }, 'SESSION_SECRET is not set: console sessions end when this process stops');
  const cookie = { secret: config.SESSION_SECRET ?? randomBytes(32).toString('base64url'), secure };
  const sessions = new ConsoleSessions(db, cookie);
  const routes = (mode: ConsoleAuthDeps['mode']) => registerConsoleAuthRoutes(server, { db, sessions, mode, baseUrl: deps.baseUrl, cookie, addressOf: deps.addressOf });

  if (config.ENTRA_CLIENT_ID) {
    const authority = config.ENTRA_AUTHORITY ?? `https://login.microsoftonline.com/${config.ENTRA_TENANT_ID}/v2.0`;
    const directory = new EntraDirectory(authority.replace(/\/$/, ''), deps.fetch);
    const signIn = new EntraSignIn(db, directory, { clientId: config.ENTRA_CLIENT_ID, credential: entraCredential(config) });
    const origin = new URL(authority).origin;
    routes({ kind: 'entra', signIn, origin });
    return { authenticators: [sessions, new EntraBearerAuthenticator(directory, config.ENTRA_CLIENT_ID)], sessions, formOrigins: [origin] };
  }
  if (config.NODE_ENV !== 'production' && isLoopbackHost(config.HOST)) {
    routes({ kind: 'dev' });
    return {
      authenticators: [sessions],
      sessions,
      formOrigins: [],
      devSignInLink: async (listeningUrl) => `${listeningUrl}/console/dev-sign-in?token=${await issueDevSignInToken(db)}`,
    };
  }
  logger.warn({ event: 'console-off' }, 'ENTRA_CLIENT_ID is not set: the console and the queue API refuse every request');
  routes({ kind: 'off' });
  return { authenticators: [], formOrigins: [] };
}

function entraCredential(config: Config): EntraClientSettings['credential'] {
  if (config.ENTRA_CLIENT_SECRET) return { clientSecret: config.ENTRA_CLIENT_SECRET };
  return {
    clientCertificate: {
      thumbprintSha256: config.ENTRA_CERTIFICATE_THUMBPRINT!,
      privateKey: readFileSync(config.ENTRA_CERTIFICATE_KEY_FILE!, 'utf8'),
    },
  };
}
