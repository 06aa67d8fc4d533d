import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import type { Server } from 'restify';
import { SMS_CHANNEL_ID } from '../bot/channel.js';
import { withRequestLogger } from '../http/request-context.js';
import type { LoggedRequest } from '../http/server.js';

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
    // Carepoint's own SMS channel id is only ever set by its SMS adapter; a Bot Framework client claiming it
    // would be pretending to text from someone's phone.
    if ((req.body as { channelId?: unknown } | undefined)?.channelId === SMS_CHANNEL_ID) {
      res.send(400, { error: 'channel not accepted here' });
      return;
    }
    const conversationId = (req.body as { conversation?: { id?: unknown } } | undefined)?.conversation?.id;
    // Every activity belongs to a conversation: without one, nothing could be recorded or continued.
    if (typeof conversationId !== 'string' || conversationId === '') {
      res.send(400, { error: 'activity has no conversation id' });
      return;
    }
    // Every line of this request, the access line included, carries the (hashed) conversation.
    request.carepointLog = request.carepointLog.child({ conversation: hashId(conversationId), channel: 'chat' });
    await withRequestLogger(request.carepointLog, () => adapter.process(req, res, (context) => bot.run(context)), conversationId);
  });
}
