import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import type { Response, Server } from 'restify';
import { z } from 'zod';
import { SMS_CHANNEL_ID } from '../bot/channel.js';
import { withRequestLogger } from '../http/request-context.js';
import type { LoggedRequest } from '../http/server.js';

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
export function registerBotFrameworkRoute(
  server: Server,
  adapter: CloudAdapter,
  bot: ActivityHandler,
  hashId: (value: string) => string,
): void {
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
    const conversationId = parsed.data.conversation.id;
    // Every line of this request, the access line included, carries the (hashed) conversation.
    request.carepointLog = request.carepointLog.child({ conversation: hashId(conversationId), channel: 'chat' });
    try {
      await withRequestLogger(request.carepointLog, () => adapter.process(req, withoutErrorDetail(res), (context) => bot.run(context)), conversationId);
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
