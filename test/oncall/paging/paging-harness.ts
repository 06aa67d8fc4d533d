import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { TwilioSmsSender } from '../../../src/channels/sms/sms-sender.js';
import { ManualClock } from '../../../src/clock.js';
import { submitConcern } from '../../../src/concerns/concern-queue.js';
import type { ConcernDetails } from '../../../src/concerns/model.js';
import type { Priority } from '../../../src/concerns/priority.js';
import { defaultWorkingHours } from '../../../src/concerns/working-hours.js';
import type { Database } from '../../../src/db/database.js';
import { JobRunner } from '../../../src/jobs/job-runner.js';
import { createLogger } from '../../../src/logging.js';
import { createPaging, type Paging } from '../../../src/oncall/paging/paging.js';
import { smsStaffPager } from '../../../src/oncall/paging/staff-pager.js';
import type { RotaSource } from '../../../src/oncall/rota-file.js';
import type { Rota } from '../../../src/oncall/rota.js';
import type { FakeTwilio } from '../../support/fake-twilio.js';

/** A patient's concern full of identifiers, none of which a page may carry. */
export const PATIENT = {
  name: 'Margaret Hollingsworth',
  dateOfBirth: '1941-03-07',
  phone: '+447700900555',
  description: 'Swollen ankles and short of breath since Tuesday evening.',
};

export const details: ConcernDetails = {
  subject: 'self', pathway: 'heart-failure', kind: 'symptoms', description: PATIENT.description, urgency: 'today',
  contactMethod: 'text-message', contactTime: 'any-time', consentToShare: true,
  name: PATIENT.name, dateOfBirth: PATIENT.dateOfBirth, phone: PATIENT.phone,
} as ConcernDetails;

export const SETTINGS = {
  PAGE_ACK_EMERGENCY_MINUTES: 5, PAGE_ACK_URGENT_MINUTES: 15, PAGE_WATCHDOG_MINUTES: 30, CLAIM_LEASE_MINUTES: 15, ONCALL_CONTACT_MINUTES: 120,
};

export const fixedRota = (rota: Rota | undefined): RotaSource => ({ current: () => rota, onChange: () => () => undefined });

/** Paging on `db` with its own job runner (not started: the test runs what is due), talking to FakeTwilio. */
export function pagingOn(db: Database, twilio: FakeTwilio, rota: Rota | undefined, clock: ManualClock) {
  let log = '';
  const destination = new Writable({ write: (chunk, _e, done) => ((log += chunk.toString()), done()) });
  const logger = createLogger({ level: 'info', destination });
  const jobs = new JobRunner({ db, logger, retryBaseSeconds: 10 });
  const sender = new TwilioSmsSender({ accountSid: twilio.accountSid, authToken: twilio.authToken, from: '+447700900001', apiBaseUrl: twilio.url });
  const paging: Paging = createPaging({
    config: { ...SETTINGS, TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined, TWILIO_PHONE_NUMBER: undefined, TWILIO_API_BASE_URL: undefined, PAGING_FROM_NUMBER: undefined, WORKING_HOURS: defaultWorkingHours() },
    db, rota: fixedRota(rota), clock, jobs, logger, baseUrl: () => 'https://carepoint.example.nhs.uk',
    pager: smsStaffPager(sender, () => 'http://127.0.0.1:9/api/sms/status'),
  });
  /** Moves the app's clock and the jobs' time on together, then runs what is due. */
  const after = async (seconds: number) => {
    clock.advance(seconds * 1000);
    elapsed += seconds;
    return jobs.runDue({ asIfSecondsLater: elapsed });
  };
  let elapsed = 0;
  return { jobs, paging, after, log: () => log, elapsedSeconds: () => elapsed };
}

export function raise(db: Database, clock: ManualClock, priority: Priority = 'emergency') {
  return submitConcern(db, clock, {
    channel: 'sms', conversationId: `sms:${PATIENT.phone}:${randomUUID()}`, requesterKey: `sms:${PATIENT.phone}`,
    submissionId: randomUUID(), priority, details, summary: `${PATIENT.name} - heart failure`,
    transcript: [{ direction: 'in', text: PATIENT.description, at: clock.now().toISOString() }],
  });
}

export const eventsOf = async (db: Database, id: string) =>
  (await db.query<{ kind: string; data: Record<string, unknown> }>('select kind, data from concern_events where concern_id = $1 order by id', [id])).rows;
