import type { ActivityHandler, CloudAdapter } from 'botbuilder';
import type { Server } from 'restify';
import { withRequestLogger } from '../http/request-context.js';
import type { LoggedRequest } from '../http/server.js';

/**
 * POST /api/messages: Bot Framework channels (Web Chat, Teams, the Emulator) through CloudAdapter,
 * which authenticates Azure Bot Service requests when an app id is configured and answers
 * `deliveryMode: "expectReplies"` requests in the response body.
 */
export function registerBotFrameworkRoute(server: Server, adapter: CloudAdapter, bot: ActivityHandler): void {
  server.post('/api/messages', async (req, res) => {
    await withRequestLogger((req as LoggedRequest).carepointLog, () =>
      adapter.process(req, res, (context) => bot.run(context)),
    );
  });
}
