import { afterAll, beforeAll, describe, it } from 'vitest';
import { openTestBot, type TestBot } from '../support/test-bot.js';
import { runTranscript } from '../support/transcript.js';

let bot: TestBot;
beforeAll(async () => {
  bot = await openTestBot();
});
afterAll(async () => {
  await bot.close();
});

/** Runs with the bot's clock at `at`, then puts it back. */
async function at<T>(when: string, run: () => Promise<T>): Promise<T> {
  const before = bot.clock.now();
  bot.clock.set(new Date(when));
  try {
    return await run();
  } finally {
    bot.clock.set(before);
  }
}

const concernAbout = (urgency: string) => [
  ['Jane Smith', /date of birth\?/], ['31/01/1950', /Which condition/], ['kidney', /What kind/], ['2', /what is happening\?/],
  ['The hospital said they would send a dialysis appointment three weeks ago and nothing has come.', /How soon/],
  [urgency, /contact you\?/], ['reply here', /When is best/], ['morning', /May we share/], ['yes', /Here is what/, /Is that right\?/],
] as [string, ...RegExp[]][];

describe('promises are true for the time of day', () => {
  it('at 23:04 an urgent concern is not promised today or 6pm, and 111 is said once', async () => {
    await at('2026-11-24T23:04:00Z', () =>
      runTranscript(bot.conversation(), [
        ['I want to raise a concern', /not for emergencies/, /about you/],
        ['me', /full name\?/],
        ...concernAbout('today'),
        ['yes', /Your reference is CP-[A-Z0-9]{6}\. The care co-ordination team works Monday to Friday, 8am to 6pm, so they will see this tomorrow from 8am\. If it cannot wait until then, or things get worse, call NHS 111 now, or 999 in an emergency\.$/],
      ]));
  });

  it('at 10:00 on a weekday an urgent concern is expected today, 111 said once', async () => {
    await runTranscript(bot.conversation(), [
      ['I want to raise a concern', /not for emergencies/, /about you/],
      ['me', /full name\?/],
      ...concernAbout('today'),
      ['yes', /aims to contact you today\. If you have not heard by 6pm, or things get worse, call NHS 111, or 999 in an emergency\.$/],
    ]);
  });

  it('on a Saturday an emergency is not said to have alerted anyone', async () => {
    await at('2026-11-28T11:00:00Z', () =>
      runTranscript(bot.conversation(), [
        ['my dad has collapsed and is not breathing', /^Call 999 now/, /^I have passed this to the care co-ordination team's list \(ref CP-[A-Z0-9]{6}\); it is looked at in working hours \(Monday to Friday, 8am to 6pm\)\. Do not wait for us\./],
      ]));
  });
});
