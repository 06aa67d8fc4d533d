import type { Database } from '../../../src/db/database.js';
import { FakeTwilio } from '../../support/fake-twilio.js';
import { SmsPhone } from '../../support/sms-phone.js';
import { startCarepoint, type RunningCarepoint } from '../../support/start-carepoint.js';

/** Fast but real timings: the outbox worker polls every 50 ms and retries after 100-400 ms. */
export const FAST_SMS = { outbox: { pollMs: 50, retryBaseMs: 100, retryMaxMs: 400, leaseMs: 60_000 } };

export interface SmsWorld {
  twilio: FakeTwilio;
  carepoint: RunningCarepoint;
  phone: (number?: string) => SmsPhone;
  db: Database;
  stop: () => Promise<void>;
}

/** A Carepoint on loopback wired to a fake Twilio on loopback, each with its own data. */
export async function startSmsWorld(options: { env?: Record<string, string>; dataDir?: string; twilio?: FakeTwilio } = {}): Promise<SmsWorld> {
  const twilio = options.twilio ?? (await new FakeTwilio().start());
  const carepoint = await startCarepoint({
    env: { ...twilio.env(), ...options.env },
    dataDir: options.dataDir,
    overrides: { sms: FAST_SMS },
  });
  return {
    twilio,
    carepoint,
    db: carepoint.carepoint.db,
    phone: (number = '+447911123456') => new SmsPhone(carepoint.url, twilio, number),
    stop: async () => {
      await carepoint.stop();
      await twilio.stop();
    },
  };
}

export async function count(db: Database, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: number | string }>(`select count(*)::int as n from ${sql}`, params);
  return Number(rows[0]!.n);
}
