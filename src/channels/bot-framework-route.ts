import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import { LRUCache } from 'lru-cache';
import type { Request, Server } from 'restify';
import { SMS_CHANNEL_ID } from '../bot/channel.js';
import type { Database } from '../db/database.js';
import { isLoopbackHost } from '../config.js';
import { withRequestLogger } from '../http/request-context.js';
import { withRequestSource } from '../http/request-source.js';
import type { LoggedRequest } from '../http/server.js';
import { refuse, type SourceLimiter } from '../limits/source-limiter.js';
import { botFrameworkKeys } from './bot-framework-keys.js';

/** New Bot Framework conversations one client address may start: a burst, then one every 30 seconds. */
export const NEW_CONVERSATION_LIMIT = { scope: 'bf-new-conversation', burst: 20, perSecond: 1 / 30 } as const;

export interface BotFrameworkRouteDeps {
  adapter: CloudAdapter;
  bot: ActivityHandler;
  db: Database;
  hashId: (value: string) => string;
  /** Without MicrosoftAppId nothing is authenticated: replies may go only to loopback, new conversations are limited. */
  authenticated: boolean;
  sourceOf: (req: Request) => string;
  /** This machine's own clients (the chat tool, the benchmark, the Emulator) start as many as they like. */
  isThisMachine: (req: Request) => boolean;
  newConversations: SourceLimiter;
}

/**
 * POST /api/messages: Bot Framework channels (Web Chat, Teams, the Emulator) through CloudAdapter,
 * which authenticates Azure Bot Service requests when an app id is configured and answers
 * `deliveryMode: "expectReplies"` requests in the response body.
 */
export function registerBotFrameworkRoute(server: Server, deps: BotFrameworkRouteDeps): void {
  const { adapter, bot, hashId } = deps;
  // Conversations this instance has seen: only a new one costs a look-up (and a token from its source's bucket).
  const known = new LRUCache<string, true>({ max: 10_000 });
  server.post('/api/messages', async (req, res) => {
    const request = req as LoggedRequest;
    const body = req.body as { channelId?: unknown; conversation?: { id?: unknown }; from?: { id?: unknown }; serviceUrl?: unknown; deliveryMode?: unknown } | undefined;
    // Carepoint's own SMS channel id is only ever set by its SMS adapter; a Bot Framework client claiming it
    // would be pretending to text from someone's phone.
    if (body?.channelId === SMS_CHANNEL_ID) {
      res.send(400, { error: 'channel not accepted here' });
      return;
    }
    const conversationId = body?.conversation?.id;
    // Every activity belongs to a conversation: without one, nothing could be recorded or continued.
    if (typeof conversationId !== 'string' || conversationId === '') {
      res.send(400, { error: 'activity has no conversation id' });
      return;
    }
    // Unauthenticated, the server would post replies wherever the client says (server-side request forgery):
    // only to this machine (the Emulator), or back in the response.
    if (!deps.authenticated && body?.deliveryMode !== 'expectReplies' && !isLoopbackUrl(body?.serviceUrl)) {
      res.send(400, { error: 'without MicrosoftAppId replies go only to a loopback serviceUrl, or use deliveryMode expectReplies' });
      return;
    }
    // The conversation as it is stored (bot-framework-keys.ts), which is how the turn's code will name it.
    const key = botFrameworkKeys(typeof body?.channelId === 'string' ? body.channelId : undefined, conversationId, undefined).conversationKey;
    // Every line of this request, the access line included, carries the (hashed) conversation.
    request.carepointLog = request.carepointLog.child({ conversation: hashId(key), channel: 'chat' });
    if (!deps.authenticated && !deps.isThisMachine(req)) {
      if (!known.has(key) && !(await conversationExists(deps.db, key))) {
        const verdict = await deps.newConversations.take(deps.sourceOf(req));
        if (!verdict.allowed) {
          refuse(req, res, verdict, 'bf-new-conversation', 'too many new conversations from this address: wait a moment and try again. In an emergency call 999.');
          return;
        }
      }
      known.set(key, true);
    }
    const turn = () => withRequestLogger(request.carepointLog, () => adapter.process(req, res, (context) => bot.run(context)), key);
    // Through Azure Bot Service every request comes from Azure's addresses: the source of a concern is then the
    // person the channel authenticated (requesterOf's fallback), not the network.
    await (deps.authenticated ? turn() : withRequestSource(deps.sourceOf(req), turn));
  });
}

/** Whether a Bot Framework conversation is already stored (so it is not new). */
async function conversationExists(db: Database, conversationKey: string): Promise<boolean> {
  const { rows } = await db.query('select 1 from conversations where id = $1', [conversationKey]);
  return rows.length > 0;
}

function isLoopbackUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}
