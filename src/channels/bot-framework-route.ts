import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import { LRUCache } from 'lru-cache';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
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

const optionalText = z.string().max(4096).optional();
const account = z.looseObject({ id: z.string().max(512).optional() });
const date = z.string().max(64).refine((v) => !Number.isNaN(Date.parse(v)), 'is not a date').optional();

/**
 * What Carepoint reads from an activity, checked before CloudAdapter and the bot see it: the SDK takes an
 * activity of any shape and fails deep inside (a number as text in the emergency screen, an unparseable
 * timestamp at the first reply, a non-string serviceUrl in the connector), as a 500 quoting its error.
 */
const activitySchema = z.looseObject({
  type: z.string().min(1, 'an activity needs a type').max(64),
  text: z.string().max(20_000, 'that message is too long').optional(),
  id: optionalText,
  channelId: z.string().max(64).refine((id) => id !== SMS_CHANNEL_ID, 'channel not accepted here').optional(),
  serviceUrl: z.string().max(2048).optional(),
  conversation: z.looseObject({ id: z.string('activity has no conversation id').min(1, 'activity has no conversation id').max(512) }, 'activity has no conversation id'),
  from: account.optional(),
  recipient: account.optional(),
  replyToId: optionalText,
  locale: z.string().max(64).optional(),
  textFormat: z.string().max(64).optional(),
  deliveryMode: z.string().max(64).optional(),
  name: optionalText,
  timestamp: date,
  localTimestamp: date,
  expiration: date,
  attachments: z.array(z.looseObject({ contentType: z.string().max(256).optional() })).max(50).optional(),
  entities: z.array(z.looseObject({})).max(50).optional(),
  membersAdded: z.array(account).max(50).optional(),
  membersRemoved: z.array(account).max(50).optional(),
});

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
    // Carepoint's own SMS channel id is only ever set by its SMS adapter (a client claiming it would be
    // pretending to text from someone's phone); every activity belongs to a conversation.
    const parsed = activitySchema.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      res.send(400, { error: issue ? `${issue.path.join('.') || 'activity'}: ${issue.message}` : 'not an activity' });
      return;
    }
    const body = parsed.data;
    const conversationId = body.conversation.id;
    // Unauthenticated, the server would post replies wherever the client says (server-side request forgery):
    // only to this machine (the Emulator), or back in the response.
    if (!deps.authenticated && body.deliveryMode !== 'expectReplies' && !isLoopbackUrl(body.serviceUrl)) {
      res.send(400, { error: 'without MicrosoftAppId replies go only to a loopback serviceUrl, or use deliveryMode expectReplies' });
      return;
    }
    // The conversation as it is stored (bot-framework-keys.ts), which is how the turn's code will name it.
    const key = botFrameworkKeys(body.channelId, conversationId, undefined).conversationKey;
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
    const turn = () => withRequestLogger(request.carepointLog, () => adapter.process(req, withoutErrorDetail(res), (context) => bot.run(context)), key);
    try {
      // Through Azure Bot Service every request comes from Azure's addresses: the source of a concern is then the
      // person the channel authenticated (requesterOf's fallback), not the network.
      await (deps.authenticated ? turn() : withRequestSource(deps.sourceOf(req), turn));
    } catch (err) {
      request.carepointLog.error({ err }, 'Bot Framework request failed');
      if (!res.headersSent) res.send(500, { error: 'internal error' });
    }
  });
}

/**
 * The response as CloudAdapter sees it, except that a 5xx body never carries its error's message (the SDK
 * sends `err.message` as the body of a failed turn's 500).
 */
function withoutErrorDetail(res: Response): Response {
  return new Proxy(res, {
    get(target, property) {
      if (property === 'send') {
        return (...args: unknown[]) => (target.statusCode >= 500 ? target.send({ error: 'internal error' }) : target.send(...(args as [unknown])));
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
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
