import type { Server } from 'restify';
import { TwilioSmsSender } from '../../channels/sms/sms-sender.js';
import type { Clock } from '../../clock.js';
import type { Config } from '../../config.js';
import type { Database } from '../../db/database.js';
import type { CoordinatorAuthenticator } from '../../http/coordinator-auth.js';
import type { JobRunner } from '../../jobs/job-runner.js';
import type { Logger } from '../../logging.js';
import type { RotaSource } from '../rota-file.js';
import type { Priority } from '../../concerns/priority.js';
import type { Channel } from '../../concerns/concern-queue.js';
import { alertedNoteFromRota } from '../alerted-note.js';
import type { Rota } from '../rota.js';
import { contactPromise } from '../contact-promise.js';
import { pageStepHandler } from './page-step.js';
import { oldestUnclaimed } from './sql/paging-health.js';
import { acknowledgeByText, ackReferenceOf, rotaPersonByPhone } from './staff-ack.js';
import { smsStaffPager, type StaffPager } from './staff-pager.js';
import { PAGE_STEP_JOB } from './start-paging.js';
import { registerOncallStatusRoute } from './status-route.js';
import { startWatchdog, WATCHDOG_JOB, watchdogHandler } from './watchdog.js';

export type PagingConfig = Pick<Config, 'TWILIO_ACCOUNT_SID' | 'TWILIO_AUTH_TOKEN' | 'TWILIO_PHONE_NUMBER' | 'TWILIO_API_BASE_URL' |
  'PAGING_FROM_NUMBER' | 'PAGE_ACK_EMERGENCY_MINUTES' | 'PAGE_ACK_URGENT_MINUTES' | 'PAGE_WATCHDOG_MINUTES' | 'CLAIM_LEASE_MINUTES' |
  'ONCALL_CONTACT_MINUTES' | 'WORKING_HOURS'>;

export interface PagingDeps {
  config: PagingConfig;
  db: Database;
  rota: RotaSource;
  clock: Clock;
  jobs: JobRunner;
  logger: Logger;
  /** PUBLIC_BASE_URL, or the listening address once there is one. */
  baseUrl: () => string;
  /** Tests only: instead of Twilio. */
  pager?: StaffPager;
}

export interface Paging {
  /** For the SMS webhook: the reply to a rota phone's "ACK CP-XXXXXX", else undefined (a patient's message). */
  staffText(phone: string, body: string): Promise<string | undefined>;
  /** What a new concern's reply promises, from the rota, the queue and the priority (contact-promise.ts). */
  expectation(priority: Priority): Promise<string>;
  /** The note after a 999 reply, once the emergency is queued: who follows it up and until when (alerted-note.ts). */
  alertedNote(reference: string, channel: Channel): string;
  /**
   * The rota when pages can reach the people on it, else undefined: without a pager nobody on call hears of a
   * concern, so what a person is promised falls back to the team's working hours.
   */
  pagedRota(): Rota | undefined;
  register(server: Server, auth: CoordinatorAuthenticator): void;
  /** Once listening: the watchdog's first run (one job whatever the number of instances). */
  start(): void;
  stop(): Promise<void>;
}

/** Staff paging: the escalation chain, ACK by text, the watchdog and its status route; handlers on the one job runner. */
export function createPaging(deps: PagingDeps): Paging {
  const { config, db, rota, clock, logger, baseUrl } = deps;
  const log = logger.child({ component: 'paging' });
  const pager = deps.pager ?? twilioPager(config, baseUrl);
  if (!pager) log.warn({ event: 'paging-not-configured' }, 'Twilio is not configured: emergency and urgent concerns cannot page anyone');
  const settings = { ackMinutes: { emergency: config.PAGE_ACK_EMERGENCY_MINUTES, urgent: config.PAGE_ACK_URGENT_MINUTES } };
  deps.jobs.register(PAGE_STEP_JOB, pageStepHandler({ db, rota, clock, pager, settings, baseUrl, logger }), {
    onDead: async (job) => log.error({ event: 'page-step-dead', jobId: job.id }, 'a page step failed for good; the watchdog restarts the chain'),
  });
  deps.jobs.register(WATCHDOG_JOB, watchdogHandler({ db, rota, clock, pager, unclaimedMinutes: config.PAGE_WATCHDOG_MINUTES, baseUrl, logger }));
  let starting: Promise<void> | undefined;

  return {
    async staffText(phone, body) {
      const person = rotaPersonByPhone(rota.current(), phone);
      const reference = person ? ackReferenceOf(body) : undefined;
      if (!person || !reference) return undefined;
      return acknowledgeByText(db, { person, reference, leaseMinutes: config.CLAIM_LEASE_MINUTES });
    },
    async expectation(priority) {
      const oldest = await oldestUnclaimed(db);
      return contactPromise({
        priority, now: clock.now(), hours: config.WORKING_HOURS, rota: pager ? rota.current() : undefined, oldestWaiting: oldest?.createdAt,
        contactMinutes: config.ONCALL_CONTACT_MINUTES,
      });
    },
    alertedNote: (reference, channel) => alertedNoteFromRota({
      reference, channel, now: clock.now(), hours: config.WORKING_HOURS, rota: rota.current(), ackMinutes: config.PAGE_ACK_EMERGENCY_MINUTES,
      canPage: pager !== undefined,
    }),
    pagedRota: () => (pager ? rota.current() : undefined),
    register: (server, auth) => registerOncallStatusRoute(server, { db, rota, clock, auth }),
    start() {
      starting = startWatchdog(db).catch((err: unknown) => log.error({ err, event: 'watchdog-not-started' }, 'the paging watchdog could not be scheduled'));
    },
    stop: async () => void (await starting),
  };
}

function twilioPager(config: PagingConfig, baseUrl: () => string): StaffPager | undefined {
  const from = config.PAGING_FROM_NUMBER ?? config.TWILIO_PHONE_NUMBER;
  if (!config.TWILIO_ACCOUNT_SID || !config.TWILIO_AUTH_TOKEN || !from) return undefined;
  const sender = new TwilioSmsSender({ accountSid: config.TWILIO_ACCOUNT_SID, authToken: config.TWILIO_AUTH_TOKEN, from, apiBaseUrl: config.TWILIO_API_BASE_URL });
  return smsStaffPager(sender, () => `${baseUrl().replace(/\/$/, '')}/api/sms/status`);
}
