import type { ActivityHandler } from 'botbuilder';
import type { Request, Server } from 'restify';
import type { Clock } from '../../clock.js';
import { isLoopbackHost, type Config } from '../../config.js';
import type { Database } from '../../db/database.js';
import type { Logger } from '../../logging.js';
import { registerSmsSimulator } from './dev-sms-simulator.js';
import { DEFAULT_OUTBOX_TIMING, OutboxWorker, type OutboxTiming } from './outbox-worker.js';
import { SmsAdapter } from './sms-adapter.js';
import { registerSmsRoutes, type SmsRouteDeps } from './sms-routes.js';
import { TwilioSmsSender, type SmsSender } from './sms-sender.js';

/** What tests may tune (through the composition root's Overrides). */
export interface SmsOverrides {
  outbox?: Partial<OutboxTiming>;
  /**
   * Twilio is answered within this of the webhook's arrival, whatever storage does; replies later than it go by
   * outbox instead of TwiML. Default 9 s (Twilio waits 15 s).
   */
  replyDeadlineMs?: number;
  /**
   * A MessageSid claimed this long ago and still unanswered (its delivery died mid-turn) is taken over by
   * the next delivery of it. Default 20 s: longer than the reply deadline, so a live turn has answered.
   */
  inboundLeaseMs?: number;
  sender?: SmsSender;
}

export interface SmsChannelDeps {
  config: Pick<Config, 'SMS_SIMULATOR' | 'HOST' | 'PUBLIC_BASE_URL' | 'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_PHONE_NUMBER' | 'TWILIO_API_BASE_URL'>;
  db: Database;
  clock: Clock;
  logger: Logger;
  hashId: (value: string) => string;
  overrides?: SmsOverrides;
}

export interface SmsChannel {
  /** Use the shared inbound middleware on it and set onTurnError, as for every adapter. */
  adapter: SmsAdapter;
  /** POST /api/sms, POST /api/sms/status, and with SMS_SIMULATOR on a loopback HOST the simulator at /dev/sms. */
  register(server: Server, bot: ActivityHandler, staffText?: SmsRouteDeps['staffText']): void;
  /** Starts the outbox worker once the server listens; `publicBaseUrl` is where Twilio reaches us. */
  start(publicBaseUrl: string): void;
  /** Stops the outbox worker (before storage closes). */
  stop(): Promise<void>;
}

/** The SMS channel's parts, built from configuration. */
export function createSmsChannel(deps: SmsChannelDeps): SmsChannel {
  const { config, db, clock, logger, hashId } = deps;
  const overrides = deps.overrides ?? {};
  const sender = overrides.sender ?? twilioSender(config);
  const replyDeadlineMs = overrides.replyDeadlineMs ?? 9_000;
  const adapter = new SmsAdapter({ db, clock, logger, botNumber: config.TWILIO_PHONE_NUMBER, replyDeadlineMs });
  const worker = new OutboxWorker({ db, clock, logger, hashId, sender, timing: { ...DEFAULT_OUTBOX_TIMING, ...overrides.outbox } });
  const host = config.HOST.includes(':') && !config.HOST.startsWith('[') ? `[${config.HOST}]` : config.HOST;
  const localBaseUrl = (req: Request) => `http://${host}:${req.socket.localPort}`;
  const publicBaseUrl = (req: Request) => config.PUBLIC_BASE_URL ?? localBaseUrl(req);

  if (!config.TWILIO_AUTH_TOKEN) {
    logger.warn({ event: 'sms-not-configured' }, 'TWILIO_AUTH_TOKEN is not set: the SMS webhook (/api/sms) refuses every request');
  } else if (!config.PUBLIC_BASE_URL && !isLoopbackHost(config.HOST)) {
    logger.warn({ event: 'sms-no-public-url' }, 'PUBLIC_BASE_URL is not set: Twilio signatures are checked against http://HOST:PORT, which Twilio does not use behind a proxy');
  }

  return {
    adapter,
    register(server, bot, staffText) {
      registerSmsRoutes(server, {
        db, clock, adapter, bot, hashId, authToken: config.TWILIO_AUTH_TOKEN, publicBaseUrl, duplicateWaitMs: 12_000,
        inboundLeaseMs: overrides.inboundLeaseMs ?? 20_000, replyDeadlineMs, staffText,
      });
      // Only when asked for (configuration refuses it in production), and only on a loopback HOST.
      if (config.SMS_SIMULATOR && isLoopbackHost(config.HOST)) {
        registerSmsSimulator(server, {
          db, authToken: config.TWILIO_AUTH_TOKEN, accountSid: config.TWILIO_ACCOUNT_SID,
          carepointNumber: config.TWILIO_PHONE_NUMBER, localBaseUrl, publicBaseUrl,
        });
        logger.info({ path: '/dev/sms' }, 'SMS simulator available (SMS_SIMULATOR, loopback only)');
      } else if (config.SMS_SIMULATOR) {
        logger.warn({ event: 'sms-simulator-off' }, 'SMS_SIMULATOR is set but HOST is not a loopback address: the simulator is off');
      }
    },
    start: (publicBaseUrl) => worker.start(`${publicBaseUrl.replace(/\/+$/, '')}/api/sms/status`),
    stop: () => worker.stop(),
  };
}

function twilioSender(config: SmsChannelDeps['config']): SmsSender | undefined {
  const { TWILIO_ACCOUNT_SID: accountSid, TWILIO_AUTH_TOKEN: authToken, TWILIO_PHONE_NUMBER: from } = config;
  if (!accountSid || !authToken || !from) return undefined;
  return new TwilioSmsSender({ accountSid, authToken, from, apiBaseUrl: config.TWILIO_API_BASE_URL });
}
