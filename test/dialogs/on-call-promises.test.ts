import { afterAll, beforeAll, describe, it } from 'vitest';
import { WEEKDAY_ROTA, rotaOf } from '../oncall/fixtures.js';
import { ACCEPTING_PAGER, onCallParts } from '../support/on-call-parts.js';
import { openTestBot, type TestBot } from '../support/test-bot.js';
import { runTranscript } from '../support/transcript.js';

const rota = rotaOf(WEEKDAY_ROTA);

let bot: TestBot;
beforeAll(async () => {
  // Pages can be sent (the job runner is not started here, so none is).
  bot = await openTestBot({ onCall: onCallParts(rota, ACCEPTING_PAGER) });
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

describe('the note after a 999 reply says who follows it up, from the rota', () => {
  const emergency = 'my dad has collapsed and is not breathing';

  it('at 23:00 on a weeknight (out of working hours, the night shift on call): the person on call, until 8am', async () => {
    bot.clock.set(new Date('2026-11-24T23:00:00Z'));
    await runTranscript(bot.conversation(), [
      [emergency, /^Call 999 now/, /^I have also alerted the person on call until 8am tomorrow \(Wednesday\) \(ref CP-[A-Z0-9]{6}\): they will follow this up as soon as they can, but do not wait for us\. I am still here if you need me\.$/],
    ]);
  });

  it('at 17:58 on a Friday, cover ending before anyone is due to claim it: says when cover ends', async () => {
    bot.clock.set(new Date('2026-11-27T17:58:00Z'));
    await runTranscript(bot.conversation(), [
      [emergency, /^Call 999 now/, /^I have also alerted the person on call \(ref CP-[A-Z0-9]{6}\), but on-call cover ends at 6pm today, so they may not be able to follow it up\. Do not wait for us\./],
    ]);
  });

  it('on a Saturday, in a gap: no one is on call, and when someone next is', async () => {
    bot.clock.set(new Date('2026-11-28T11:00:00Z'));
    await runTranscript(bot.conversation(), [
      [emergency, /^Call 999 now/, /^No one is on call right now, so I have passed this to the care co-ordination team's list \(ref CP-[A-Z0-9]{6}\)\. Someone will be on call again at 8am on Monday\. Do not wait for us\. I am still here if you need me\.$/],
    ]);
  });
});

describe('with a rota but no way to page anyone (Twilio not configured)', () => {
  let unpaged: TestBot;
  beforeAll(async () => {
    unpaged = await openTestBot({ onCall: onCallParts(rota, undefined) });
  });
  afterAll(() => unpaged.close());

  it('the 999 note never says the person on call was alerted', async () => {
    unpaged.clock.set(new Date('2026-11-24T23:00:00Z'));
    await runTranscript(unpaged.conversation(), [
      ['my dad has collapsed and is not breathing', /^Call 999 now/, /^I have passed this to the care co-ordination team's list \(ref CP-[A-Z0-9]{6}\); it is looked at in working hours/],
    ]);
  });

  it('an urgent concern at 23:00 is promised the working hours, not someone on call', async () => {
    unpaged.clock.set(new Date('2026-11-24T23:00:00Z'));
    await runTranscript(unpaged.conversation(), [
      ...urgentConcern,
      ['yes', /Your reference is CP-[A-Z0-9]{6}\. The care co-ordination team works .*, so they will see this .*If it cannot wait until then/],
    ]);
  });
});
