import { CloudAdapter, type BotAdapter, type TurnContext } from 'botbuilder';
import { ReusingConnectorAuthentication } from './channels/reusing-connector-authentication.js';
import type { DestinationStream } from 'pino';
import { buildBot } from './bot/build-bot.js';
import { currentLogger } from './http/request-context.js';
import { NEW_CONVERSATION_LIMIT, registerBotFrameworkRoute } from './channels/bot-framework-route.js';
import { botFrameworkNamespace } from './channels/bot-framework-keys.js';
import { TrustedProxies } from './http/client-address.js';
import { RequestSources } from './http/request-source.js';
import { SourceLimiter } from './limits/source-limiter.js';
import { DirectLineAdapter } from './channels/webchat/direct-line-adapter.js';
import { registerWebChat } from './channels/webchat/web-chat.js';
import { createSmsChannel, type SmsOverrides } from './channels/sms/sms-channel.js';
import { systemClock, type Clock } from './clock.js';
import { isLoopbackHost, type Config } from './config.js';
import type { Database } from './db/database.js';
import { openDatabase } from './db/open-database.js';
import { logListenerEvent } from './db/log-listener-event.js';
import { JobRunner, type JobRunnerOptions } from './jobs/job-runner.js';
import { CompositeAuthenticator, DEV_TOKEN_FAILURES, DevTokenAuthenticator, type CoordinatorAuthenticator } from './http/coordinator-auth.js';
import { buildConsoleAuth } from './console/auth/console-auth.js';
import type { EntraFetch } from './console/auth/entra-directory.js';
import { registerHealthRoutes } from './http/health-routes.js';
import { registerConcernRoutes } from './concerns/routes.js';
import { ConcernActions } from './concerns/actions.js';
import { ConcernFeed } from './concerns/feed.js';
import { ConsoleAccess } from './console/console-access.js';
import { registerConsoleRoutes } from './console/console-routes.js';
import { registerAuditPage } from './console/audit-page-route.js';
import { registerFiguresPage } from './console/figures-page-route.js';
import { registerRotaPage } from './console/rota-page-route.js';
import { followRotaChanges } from './oncall/rota-changes.js';
import { LiveEvents } from './console/live-events.js';
import { registerAuditRoutes } from './concerns/audit/routes.js';
import { createHttpServer } from './http/server.js';
import { openKnowledgeService, type KnowledgeService } from './knowledge/knowledge-service.js';
import { createIdHasher, createLogger, prettyDestination, type Logger } from './logging.js';
import { createEmergencyScreen } from './safety/emergency-screen.js';
import { ModelUrgencyCheck } from './safety/model-urgency-check.js';
import { EmergencySpool, spoolPathFor } from './safety/emergency-spool.js';
import { createLanguageModels } from './ai/language-models.js';
import { loadLanguageLines } from './language/language-lines.js';
import { openRotaFile, rotaPath, type RotaSource } from './oncall/rota-file.js';
import { createDelivery, type DeliveryPort } from './delivery/deliver.js';
import { registerOutboundDelivery } from './handoff/delivery-job.js';
import { registerHandoffLeaseCheck } from './handoff/lease-job.js';
import { registerOverdueCheck } from './patient-updates/overdue-job.js';
import { createPaging } from './oncall/paging/paging.js';
import type { StaffPager } from './oncall/paging/staff-pager.js';

/** What tests (and only tests) may replace; everything else comes from configuration. */
export interface Overrides {
  clock?: Clock;
  logDestination?: DestinationStream;
  knowledge?: KnowledgeService;
  /** SMS channel timings (outbox polling, retry back-off, reply deadline) so tests run fast. */
  sms?: SmsOverrides;
  /** The emergency spool's replay and report intervals. */
  spool?: { retryMs?: number; watchdogMs?: number };
  /** How long an emergency turn waits on storage before answering. */
  emergencyWaitMs?: number;
  /** Wraps the database that configuration opened (to make it fail on cue). */
  database?: (db: Database) => Database;
  /** How Carepoint reaches Entra ID (tests: a local OpenID provider). */
  entraFetch?: EntraFetch;
  /** Who is signed in besides the console's own sign-in (tests name several co-ordinators; the dev token is one person). */
  coordinators?: CoordinatorAuthenticator;
  /** Job runner timings (polling, retry back-off) so tests run fast. */
  jobs?: Omit<JobRunnerOptions, 'db' | 'logger'>;
  /** How often the console's live event streams send a heartbeat (and check the session). */
  liveHeartbeatMs?: number;
  /** Staff pages go here instead of Twilio. */
  pager?: StaffPager;
}

/** Something that runs in the background: started in order once the server listens, stopped in reverse. */
interface Worker {
  start(): void;
  stop(): Promise<void>;
}

export interface Carepoint {
  config: Config;
  db: Database;
  knowledge: KnowledgeService;
  /** The on-call rota in force (undefined: none), followed as its file is edited. */
  rota: RotaSource;
  logger: Logger;
  /** Every timer's runner (on-call pages, reminders): features register their handlers before listen(). */
  jobs: JobRunner;
  /** The one way to reach a person outside a turn: the channel is picked from the stored conversation. */
  delivery: DeliveryPort;
  /** Listens on HOST:PORT (PORT 0 picks a free port); resolves with the base URL. */
  listen(): Promise<string>;
  /** Outside production with no Entra ID on loopback: a new one-time console sign-in link (after listen). */
  devSignInLink(): Promise<string | undefined>;
  /** SIGTERM path: stop taking requests, finish turns in flight, then close timers and storage. */
  stop(): Promise<void>;
}

/** The composition root: the one place that turns configuration into working parts. */
export async function buildCarepoint(config: Config, overrides: Overrides = {}): Promise<Carepoint> {
  // JSON lines always, except for a developer watching a terminal.
  const readable = config.NODE_ENV === 'development' && process.stdout.isTTY === true;
  const logger = createLogger({
    level: config.LOG_LEVEL,
    destination: overrides.logDestination ?? (readable ? await prettyDestination() : undefined),
  });
  const hashId = createIdHasher(config.LOG_HASH_SECRET);
  const clock = overrides.clock ?? systemClock;

  const opened = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.DATA_DIR,
    onConnectionLost: (err) => logger.error({ err, event: 'database-connection-lost' }, 'a database connection was lost'),
    onListenerEvent: (event) => logListenerEvent(logger, event),
    timeouts: { connectMs: config.DATABASE_CONNECT_TIMEOUT_MS, queryMs: config.DATABASE_QUERY_TIMEOUT_MS },
  });
  const db = overrides.database?.(opened) ?? opened;
  // No handlers yet: the features with timers (on-call escalation) register theirs here.
  const jobs = new JobRunner({ db, logger, ...overrides.jobs });
  // Emergencies storage could not take wait here (a local file) and are replayed when it answers again.
  const spool = await EmergencySpool.open({ db, clock, logger, path: spoolPathFor(config.DATA_DIR), ...overrides.spool });
  // Optional OpenAI-compatible models (none unless OPENAI_* are set). When set, patient text goes to the provider.
  const { chatModel, embeddings } = createLanguageModels(config);
  const knowledge = overrides.knowledge ??
    (await openKnowledgeService({ dir: config.KNOWLEDGE_DIR, clock, logger, watch: true, queryRewriter: chatModel, embeddings }));
  const screen = createEmergencyScreen(() => knowledge.redFlags());
  // Who is on call, and the pages and escalations that follow from it (handlers on the one job runner).
  const rota = await openRotaFile({ path: rotaPath(config), logger, watch: true });
  let listeningUrl = '';
  const baseUrl = () => config.PUBLIC_BASE_URL?.replace(/\/$/, '') ?? listeningUrl;
  const paging = createPaging({ config, db, rota, clock, jobs, logger, baseUrl, pager: overrides.pager });
  // The chat model's second opinion on urgency: it may raise a turn to an emergency, never lower one.
  const urgencyCheck = chatModel
    ? new ModelUrgencyCheck(chatModel, { timeoutMs: config.OPENAI_URGENCY_TIMEOUT_MS, logger })
    : undefined;

  // The 999/111 line in Welsh and the common languages of England's patients; a bad file stops start-up.
  const languages = await loadLanguageLines(config.KNOWLEDGE_DIR);

  const { bot, middleware, turns } = buildBot({
    db, clock, knowledge, screen, logger, hashId, urgencyCheck, spool, turnLeaseMs: config.TURN_LEASE_MS, workingHours: config.WORKING_HOURS, emergencyWaitMs: overrides.emergencyWaitMs,
    languages,
    expectation: paging.expectation,
    alertedNote: paging.alertedNote,
  });
  // Every channel's adapter runs the same middleware (emergency screening first) and fails the same safe way.
  const joinBot = <A extends BotAdapter>(adapter: A): A => {
    for (const m of middleware) adapter.use(m);
    adapter.onTurnError = (context, error) => onTurnError(context, error, logger);
    return adapter;
  };

  const cloudAdapter = new CloudAdapter(new ReusingConnectorAuthentication(botFrameworkAuthSettings(config)));
  // Before the shared middleware: Bot Framework ids are stored in their own namespace (bot-framework-keys.ts).
  cloudAdapter.use(botFrameworkNamespace);
  const adapter = joinBot(cloudAdapter);
  // Per-source limits, shared by every instance through the database.
  const sources = new RequestSources(new TrustedProxies(config.TRUSTED_PROXIES), hashId);

  const http = createHttpServer(logger);
  registerHealthRoutes(http.server, { db, knowledge, spool });
  if (config.MicrosoftAppId || config.NODE_ENV !== 'production') {
    registerBotFrameworkRoute(http.server, {
      adapter, bot, db, hashId, authenticated: Boolean(config.MicrosoftAppId), sourceOf: sources.keyOf, isThisMachine: sources.isThisMachine,
      newConversations: new SourceLimiter(db, NEW_CONVERSATION_LIMIT),
    });
  } else {
    // Unauthenticated Bot Framework traffic is for local use (the Emulator); production needs Azure's auth.
    logger.warn({ event: 'bot-framework-disabled' }, 'MicrosoftAppId is not set: /api/messages is off in production');
  }
  const devTokens = new DevTokenAuthenticator(config.COORDINATOR_DEV_TOKEN, isLoopbackHost(config.HOST), {
    limiter: new SourceLimiter(db, DEV_TOKEN_FAILURES),
    sourceOf: sources.keyOf,
  });
  // The console's sign-in; its authenticators come first: session cookie, then an Entra ID access token, then the dev token.
  const consoleAuth = buildConsoleAuth(http.server, {
    config, db, logger, baseUrl,
    fetch: overrides.entraFetch, addressOf: sources.addressOf,
  });
  const auth: CoordinatorAuthenticator = new CompositeAuthenticator([...consoleAuth.authenticators, overrides.coordinators ?? devTokens]);
  // One set of concern actions behind both the JSON API and the console's forms.
  const actions = new ConcernActions(db, config.CLAIM_LEASE_MINUTES);
  registerConcernRoutes(http.server, { db, auth, leaseMinutes: config.CLAIM_LEASE_MINUTES, addressOf: sources.addressOf, actions });
  registerAuditRoutes(http.server, { db, auth });
  // The console's pages. Live updates ride on the database's notifications (LISTEN/NOTIFY on both engines).
  const feed = new ConcernFeed(db.listen.bind(db), logger);
  const live = new LiveEvents(feed, { heartbeatMs: overrides.liveHeartbeatMs });
  // Event streams never end by themselves: the server's drain ends them rather than waiting for them.
  http.onDrain(() => live.close());
  const access = new ConsoleAccess({ sessions: consoleAuth.sessions, formOrigins: consoleAuth.formOrigins, addressOf: sources.addressOf });
  registerConsoleRoutes(http.server, { access, actions, clock, hours: config.WORKING_HOURS, leaseMinutes: config.CLAIM_LEASE_MINUTES, live });
  registerAuditPage(http.server, { access, db, timeZone: config.WORKING_HOURS.timeZone });
  registerFiguresPage(http.server, { access, db, clock, hours: config.WORKING_HOURS });
  registerRotaPage(http.server, { access, db, rota, path: rotaPath(config), clock, timeZone: config.WORKING_HOURS.timeZone });
  // A rota saved on any instance is read again here at once (the file watcher is the fallback).
  const rotaChanges = followRotaChanges(db, rota, logger);
  paging.register(http.server, auth);

  // Web chat in the browser: the page, tokens, and (without Azure) the local Direct Line transport.
  const webChatAdapter = joinBot(new DirectLineAdapter({ db, clock }));
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
    sourceOf: sources.keyOf,
  });
  // SMS through Twilio: webhook, status callbacks, outbox worker, development simulator.
  const sms = createSmsChannel({ config, db, clock, logger, hashId, overrides: overrides.sms });
  joinBot(sms.adapter);
  sms.register(http.server, bot, paging.staffText);
  // Co-ordinator replies and handoff notices reach the person on their own channel, through jobs (src/handoff).
  const delivery = createDelivery({
    db, clock, logger,
    botFramework: { continueConversation: (reference, logic) => cloudAdapter.continueConversationAsync(config.MicrosoftAppId ?? '', reference, logic) },
  });
  registerOutboundDelivery(jobs, { db, delivery, logger });
  registerHandoffLeaseCheck(jobs, { db, logger });
  // A concern past its target time with nobody in touch: the person is told, once (src/patient-updates).
  registerOverdueCheck(jobs, { db, clock, hours: config.WORKING_HOURS, rota: { current: paging.pagedRota }, logger });
  let workers: Worker[] = [];

  return {
    config,
    db,
    knowledge,
    rota,
    logger,
    jobs,
    delivery,
    listen: () =>
      new Promise((resolve, reject) => {
        http.server.once('error', reject);
        http.server.listen(config.PORT, config.HOST, () => {
          const address = http.server.address();
          const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          const url = `http://${host}:${address.port}`;
          listeningUrl = url;
          logger.info({ url, storage: db.kind, articles: knowledge.articleCount(), chatModel: Boolean(chatModel), embeddings: Boolean(embeddings) }, 'Carepoint listening');
          workers = [
            ...(feed ? [{
              start: () => void feed.start().catch((err: unknown) => logger.error({ err, event: 'concern-feed-failed' }, 'live console updates could not start')),
              stop: () => feed.stop(),
            }] : []),
            spool,
            rotaChanges,
            // the outbox worker, once Twilio can call us back
            { start: () => sms.start(config.PUBLIC_BASE_URL ?? url), stop: () => sms.stop() },
            paging,
            // last, so it stops first: a job's handler may still write to the outbox
            jobs,
          ];
          for (const worker of workers) worker.start();
          resolve(url);
        });
      }),
    devSignInLink: async () => (consoleAuth.devSignInLink && listeningUrl ? consoleAuth.devSignInLink(listeningUrl) : undefined),
    async stop() {
      await http.drain();
      await turns.drain(10_000); // turns can outlive their request (an SMS turn past its reply deadline)
      // No outbox pass or spool replay may be running when storage closes.
      for (const worker of [...workers].reverse()) await worker.stop();
      await rota.close();
      await knowledge.close();
      await db.close();
      logger.info('Carepoint stopped');
    },
  };
}

/**
 * Bot Framework authentication as configured: the app's credentials and the endpoints tokens are checked
 * against (Azure's public cloud unless set; tests point them at a local OpenID issuer). botframework-connector
 * uses these endpoints only when all are given, so all always are.
 */
function botFrameworkAuthSettings(config: Config) {
  return {
    MicrosoftAppId: config.MicrosoftAppId ?? '',
    MicrosoftAppPassword: config.MicrosoftAppPassword ?? '',
    MicrosoftAppTenantId: config.MicrosoftAppTenantId ?? '',
    MicrosoftAppType: config.MicrosoftAppType,
    ToBotFromChannelOpenIdMetadataUrl: config.ToBotFromChannelOpenIdMetadataUrl,
    ToBotFromChannelTokenIssuer: config.ToBotFromChannelTokenIssuer,
    ToBotFromEmulatorOpenIdMetadataUrl: config.ToBotFromEmulatorOpenIdMetadataUrl,
    ToChannelFromBotLoginUrl: config.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: config.ToChannelFromBotOAuthScope,
    OAuthUrl: config.OAuthUrl,
    ValidateAuthority: config.ValidateAuthority,
    CallerId: 'urn:botframework:azure',
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
