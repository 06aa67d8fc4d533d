import { defaultWorkingHours } from '../../src/concerns/working-hours.js';
import type { ManualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/database.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { createLogger } from '../../src/logging.js';
import { createPaging } from '../../src/oncall/paging/paging.js';
import type { StaffPager } from '../../src/oncall/paging/staff-pager.js';
import type { Rota } from '../../src/oncall/rota.js';
import { fixedRota } from '../oncall/paging/paging-harness.js';

/** A pager that takes every page (the job runner is not started in these tests, so none is sent). */
export const ACCEPTING_PAGER: StaffPager = { page: async () => ({ sid: 'SM-test' }) };

/**
 * The composition root's wiring for a test bot (openTestBot's `onCall`): the promise and the 999 note come from
 * the paging feature, over `rota`, with `pager` (undefined: Twilio not configured, nobody can be paged).
 */
export function onCallParts(rota: Rota, pager: StaffPager | undefined) {
  return ({ db, clock }: { db: Database; clock: ManualClock }) => {
    const logger = createLogger({ level: 'silent' });
    const paging = createPaging({
      config: {
        TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined, TWILIO_PHONE_NUMBER: undefined, TWILIO_API_BASE_URL: undefined,
        PAGING_FROM_NUMBER: undefined, PAGE_ACK_EMERGENCY_MINUTES: 5, PAGE_ACK_URGENT_MINUTES: 15, PAGE_WATCHDOG_MINUTES: 30,
        CLAIM_LEASE_MINUTES: 15, ONCALL_CONTACT_MINUTES: 120, WORKING_HOURS: defaultWorkingHours(),
      },
      db, rota: fixedRota(rota), clock, jobs: new JobRunner({ db, logger }), logger, baseUrl: () => 'https://carepoint.example', pager,
    });
    return { expectation: paging.expectation, alertedNote: paging.alertedNote };
  };
}
