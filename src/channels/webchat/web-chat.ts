import type { ActivityHandler } from 'botbuilder';
import type { Request, Server } from 'restify';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import type { LoggedRequest } from '../../http/server.js';
import { registerChatPage } from './chat-page-route.js';
import type { DirectLineAdapter } from './direct-line-adapter.js';
import { registerDirectLineRoutes } from './direct-line-routes.js';
import { limitPerSource, SourceLimiter } from '../../limits/source-limiter.js';
import { WEBCHAT_START_LIMIT, WEBCHAT_TOKEN_LIMIT } from './rate-limit.js';
import { AzureTokenSource, DirectLineUnavailable, LocalTokenSource, type WebChatTokenSource } from './token-source.js';
import { WebChatTokens } from './webchat-token.js';

export interface WebChatSettings {
  /** Set: Azure Bot Service carries the chat (Direct Line). Unset: Carepoint serves Direct Line itself. */
  directLineSecret?: string;
  directLineBaseUrl?: string;
  /** Key for the local transport's tokens; unset means a random key per process. */
  tokenSecret?: string;
}

export interface WebChatDeps {
  settings: WebChatSettings;
  adapter: DirectLineAdapter;
  bot: ActivityHandler;
  db: Database;
  clock: Clock;
  hashId: (value: string) => string;
  /** The client a request comes from (src/http/request-source.ts), for per-source limits. */
  sourceOf: (req: Request) => string;
}

/**
 * The chat in the browser: GET / (the page), POST /api/webchat/token (a short-lived Direct Line token for
 * the page), and, without Azure, Carepoint's own Direct Line endpoints under /v3/directline.
 */
export function registerWebChat(server: Server, deps: WebChatDeps): { mode: 'local' | 'azure' } {
  const { settings } = deps;
  // Tokens are free to ask for; a client asking for more than a person could use gets 429 (rate-limit.ts).
  const tokenLimiter = new SourceLimiter(deps.db, WEBCHAT_TOKEN_LIMIT);
  let source: WebChatTokenSource;
  let directLineOrigin: string | undefined;
  if (settings.directLineSecret) {
    const azure = new AzureTokenSource(settings.directLineSecret, settings.directLineBaseUrl);
    source = azure;
    directLineOrigin = azure.origin;
  } else {
    const tokens = new WebChatTokens(settings.tokenSecret, deps.clock);
    source = new LocalTokenSource(tokens);
    registerDirectLineRoutes(server, {
      adapter: deps.adapter, bot: deps.bot, tokens, db: deps.db, hashId: deps.hashId,
      startLimiter: new SourceLimiter(deps.db, WEBCHAT_START_LIMIT), sourceOf: deps.sourceOf,
    });
  }

  server.post('/api/webchat/token', limitPerSource(tokenLimiter, deps.sourceOf, 'webchat-token'), async (req, res) => {
    res.setHeader('cache-control', 'no-store');
    try {
      const session = await source.newSession();
      res.send(200, { token: session.token, domain: session.domain, expires_in: session.expiresIn });
    } catch (error) {
      const log = (req as LoggedRequest).carepointLog;
      if (error instanceof DirectLineUnavailable) {
        log.error({ event: 'direct-line-token-failed', reason: error.reason }, 'could not get a Direct Line token');
        res.send(502, { error: 'the chat is not available just now' });
        return;
      }
      log.error({ err: error }, 'could not start a web chat session');
      res.send(500, { error: 'internal error' });
    }
  });

  registerChatPage(server, { directLineOrigin });
  return { mode: settings.directLineSecret ? 'azure' : 'local' };
}
