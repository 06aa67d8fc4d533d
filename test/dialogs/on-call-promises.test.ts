import { afterAll, beforeAll, describe, it } from 'vitest';
import { defaultWorkingHours } from '../../src/concerns/working-hours.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { createLogger } from '../../src/logging.js';
import { createPaging } from '../../src/oncall/paging/paging.js';
import { WEEKDAY_ROTA, rotaOf } from '../oncall/fixtures.js';
import { fixedRota } from '../oncall/paging/paging-harness.js';
import { openTestBot, type TestBot } from '../support/test-bot.js';
import { runTranscript } from '../support/transcript.js';

const rota = rotaOf(WEEKDAY_ROTA);
let bot: TestBot;
beforeAll(async () => {
  bot = await openTestBot({
    // The composition root's wiring: the promise comes from the paging feature (rota and queue).
    expectation: ({ db, clock }) => {
      const logger = createLogger({ level: 'silent' });
      return createPaging({
        config: {
          TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined, TWILIO_PHONE_NUMBER: undefined, TWILIO_API_BASE_URL: undefined,
          PAGING_FROM_NUMBER: undefined, PAGE_ACK_EMERGENCY_MINUTES: 5, PAGE_ACK_URGENT_MINUTES: 15, PAGE_WATCHDOG_MINUTES: 30,
          CLAIM_LEASE_MINUTES: 15, ONCALL_CONTACT_MINUTES: 120, WORKING_HOURS: defaultWorkingHours(),
        },
        db, rota: fixedRota(rota), clock, jobs: new JobRunner({ db, logger }), logger, baseUrl: () => 'https://carepoint.example',
      }).expectation;
    },
  });
});
afterAll(() => bot.close());

const urgentConcern = [
  ['I want to raise a concern', /not for emergencies/, /about you/], ['me', /full name\?/],
  ['Jane Smith', /date of birth\?/], ['31/01/1950', /Which condition/], ['kidney', /What kind/], ['2', /what is happening\?/],
  ['The hospital said they would send a dialysis appointment three weeks ago and nothing has come.', /How soon/],
  ['today', /contact you\?/], ['reply here', /When is best/], ['morning', /May we share/], ['yes', /Here is what/, /Is that right\?/],
] as [string, ...RegExp[]][];

describe('a concern\'s reply promises what the rota can keep', () => {
  it('at 23:00 on a weeknight, with the night shift on call: contact within 2 hours', async () => {
    bot.clock.set(new Date('2026-11-24T23:00:00Z'));
    await runTranscript(bot.conversation(), [
      ...urgentConcern,
      ['yes', /Your reference is CP-[A-Z0-9]{6}\. Someone on call will contact you within 2 hours\. If things get worse, call NHS 111, or 999 in an emergency\.$/],
    ]);
  });

  it('on a Saturday, in a rota gap: says no one is on call, when someone is back, and the safety net', async () => {
    bot.clock.set(new Date('2026-11-28T11:00:00Z'));
    await runTranscript(bot.conversation(), [
      ...urgentConcern,
      ['yes', /Your reference is CP-[A-Z0-9]{6}\. No one is on call right now\. Someone will be on call again at 8am on Monday: they will contact you then\. If it cannot wait, or things get worse, call NHS 111 now, or 999 in an emergency\.$/],
    ]);
  });
});
