import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { DestinationStream } from 'pino';
import { buildBot } from './bot/build-bot.js';
import { currentLogger } from './http/request-context.js';
import { registerBotFrameworkRoute } from './channels/bot-framework-route.js';
import { DirectLineAdapter } from './channels/webchat/direct-line-adapter.js'; // web chat
import { registerWebChat } from './channels/webchat/web-chat.js'; // web chat
import { createSmsChannel, type SmsOverrides } from './channels/sms/sms-channel.js'; // sms
import { systemClock, type Clock } from './clock.js';
import { isLoopbackHost, type Config } from './config.js';
import type { Database } from './db/database.js';
import { openDatabase } from './db/open-database.js';
import { DevTokenAuthenticator } from './http/coordinator-auth.js';
import { registerHealthRoutes } from './http/health-routes.js';
import { registerQueueRoutes } from './http/queue-routes.js';
import { createHttpServer } from './http/server.js';
import { openKnowledgeService, type KnowledgeService } from './knowledge/knowledge-service.js';
import { createIdHasher, createLogger, type Logger } from './logging.js';
import { createEmergencyScreen } from './safety/emergency-screen.js';

/** What tests (and only tests) may replace; everything else comes from configuration. */
export interface Overrides {
  clock?: Clock;
  logDestination?: DestinationStream;
  knowledge?: KnowledgeService;
  /** SMS channel timings (outbox polling, retry back-off, reply deadline) so tests run fast. */
  sms?: SmsOverrides;
}

export interface Carepoint {
  config: Config;
  db: Database;
  knowledge: KnowledgeService;
  logger: Logger;
  /** Listens on HOST:PORT (PORT 0 picks a free port); resolves with the base URL. */
  listen(): Promise<string>;
  /** SIGTERM path: stop taking requests, finish turns in flight, then close timers and storage. */
  stop(): Promise<void>;
}

/** The composition root: the one place that turns configuration into working parts. */
export async function buildCarepoint(config: Config, overrides: Overrides = {}): Promise<Carepoint> {
  const logger = createLogger({ level: config.LOG_LEVEL, destination: overrides.logDestination });
  const hashId = createIdHasher(config.LOG_HASH_SECRET);
  const clock = overrides.clock ?? systemClock;

  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  const knowledge = overrides.knowledge ??
    (await openKnowledgeService({ dir: config.KNOWLEDGE_DIR, clock, logger, watch: true }));
  const screen = createEmergencyScreen(() => knowledge.redFlags());

  const { bot, middleware } = buildBot({ db, clock, knowledge, screen, logger, hashId });

  const adapter = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: config.MicrosoftAppId ?? '',
      MicrosoftAppPassword: config.MicrosoftAppPassword ?? '',
      MicrosoftAppTenantId: config.MicrosoftAppTenantId ?? '',
      MicrosoftAppType: config.MicrosoftAppType,
    }),
  );
  for (const m of middleware) adapter.use(m);
  adapter.onTurnError = (context, error) => onTurnError(context, error, logger);

  const http = createHttpServer(logger);
  registerHealthRoutes(http.server, { db, knowledge });
  registerBotFrameworkRoute(http.server, adapter, bot, hashId);
  registerQueueRoutes(http.server, { db, auth: new DevTokenAuthenticator(config.COORDINATOR_DEV_TOKEN, isLoopbackHost(config.HOST)) });

  // --- web chat in the browser (src/channels/webchat): the page, tokens, and the local Direct Line transport ---
  const webChatAdapter = new DirectLineAdapter({ db, clock });
  for (const m of middleware) webChatAdapter.use(m);
  webChatAdapter.onTurnError = (context, error) => onTurnError(context, error, logger);
  registerWebChat(http.server, {
    settings: {
      directLineSecret: config.DIRECT_LINE_SECRET,
      directLineBaseUrl: config.DIRECT_LINE_BASE_URL,
      tokenSecret: config.WEBCHAT_TOKEN_SECRET,
    },
    adapter: webChatAdapter,
    bot,
    db,
    clock,
    hashId,
  });
  // --- end web chat ---

  // --- SMS through Twilio (src/channels/sms): webhook, status callbacks, outbox worker, dev simulator ---
  const sms = createSmsChannel({ config, db, clock, logger, hashId, overrides: overrides.sms });
  for (const m of middleware) sms.adapter.use(m);
  sms.adapter.onTurnError = (context, error) => onTurnError(context, error, logger);
  sms.register(http.server, bot);
  // --- end SMS ---

  return {
    config,
    db,
    knowledge,
    logger,
    listen: () =>
      new Promise((resolve, reject) => {
        http.server.once('error', reject);
        http.server.listen(config.PORT, config.HOST, () => {
          const address = http.server.address();
          const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          const url = `http://${host}:${address.port}`;
          logger.info({ url, storage: db.kind, articles: knowledge.articleCount() }, 'Carepoint listening');
          sms.start(config.PUBLIC_BASE_URL ?? url); // sms: the outbox worker, once Twilio can call us back
          resolve(url);
        });
      }),
    async stop() {
      await http.drain();
      await sms.stop(); // sms: no outbox pass may be running when storage closes
      await knowledge.close();
      await db.close();
      logger.info('Carepoint stopped');
    },
  };
}

/** Never shows internals: tells the person something safe and useful, and logs the fault. */
async function onTurnError(context: TurnContext, error: Error, logger: Logger): Promise<void> {
  const log = currentLogger(logger);
  log.error({ err: error }, 'turn failed');
  try {
    await context.sendActivity(
      'Sorry, something went wrong on our side. If this is an emergency call 999; if it is urgent, call NHS 111. ' +
        'Please send your last message again in a moment.',
    );
  } catch (sendError) {
    log.error({ err: sendError }, 'could not tell the patient about the failed turn');
  }
}
