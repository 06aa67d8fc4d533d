import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smsTextOf } from '../../src/channels/sms/sms-text.js';
import { openTestBot, type TestBot } from '../support/test-bot.js';
import { literally } from '../support/literally.js';
import { runTranscript } from '../support/transcript.js';

let bot: TestBot;
beforeAll(async () => {
  bot = await openTestBot();
});
afterAll(async () => {
  await bot.close();
});

// A covered question for which retrieval finds three plausible articles and none clearly.
const UNSURE = 'carer late again today';
const RIGHT = 'When a home carer does not turn up';
const GREETING = /Hello, I am Carepoint/;
const CHOICES = /I found a few articles that might answer that/;
const CITED_RIGHT = new RegExp(`Source: ${RIGHT}, reviewed \\d{1,2} [A-Z][a-z]{2} \\d{4}`);
const WHO = /about you, or about someone you care for\?/;
// The request for a person is committed first and the person told when; then the details are offered.
const ASKED = /^I have asked a care co-ordinator to (?:join this conversation|contact you) \(reference CP-[A-HJ-NP-Z2-9]{6}\)\.[^]*take the details now/;

const chat = () => bot.conversation({ channelId: 'webchat' });
let nextPhone = 900_100;
const sms = () => {
  const phone = `+447700${nextPhone++}`;
  return bot.conversation({ channelId: 'sms', identity: { phone, requesterKey: `sms:${phone}` } });
};

/** The choice prompt's reply, as the channel shows it: buttons on chat, numbered lines on SMS. */
async function offered(adapter: ReturnType<typeof chat>, question: string): Promise<Partial<Activity>> {
  let prompt: Partial<Activity> | undefined;
  await adapter.send(question)
    .assertReply((a) => expect(a.text).toMatch(GREETING))
    .assertReply((a) => {
      prompt = a;
    })
    .startTest();
  return prompt!;
}

describe('choices on chat', () => {
  it('offers up to three article titles as buttons, and "none of these: talk to someone"', async () => {
    const prompt = await offered(chat(), UNSURE);
    expect(prompt.text).toMatch(CHOICES);
    const buttons = prompt.suggestedActions?.actions.map((a) => a.title) ?? [];
    expect(buttons.length).toBeGreaterThanOrEqual(3);
    expect(buttons.length).toBeLessThanOrEqual(4);
    expect(buttons).toContain(RIGHT);
    expect(buttons.at(-1)).toBe('None of these: talk to someone');
  });

  it('answers from the article picked, with its title and review date', async () => {
    const adapter = chat();
    await offered(adapter, UNSURE);
    await runTranscript(adapter, [[RIGHT, CITED_RIGHT]]);
  });

  it('"none of these" asks for a care co-ordinator, then takes the details', async () => {
    const adapter = chat();
    await offered(adapter, UNSURE);
    await runTranscript(adapter, [['None of these: talk to someone', ASKED], ['Yes', WHO]]);
  });

  it('takes a message that is none of the options as a new one', async () => {
    const adapter = chat();
    await offered(adapter, UNSURE);
    await runTranscript(adapter, [['what is the capital of france', /not sure[^]*co-ordinator/i], ['yes', ASKED]]);
  });

  it('takes a new question that holds a number or a position as a new message, not as a pick', async () => {
    const adapter = chat();
    await offered(adapter, UNSURE);
    await runTranscript(adapter, [['I take 2 tablets a day, how do i order my repeat prescription', /Source: Ordering your repeat prescriptions/]]);
  });

  it('takes "the first one" as the first title offered', async () => {
    const adapter = chat();
    const prompt = await offered(adapter, UNSURE);
    const first = prompt.suggestedActions!.actions[0]!.title;
    await runTranscript(adapter, [['the first one', new RegExp(`Source: ${literally(first)}, reviewed`)]]);
  });

  it('leaves an emergency to the screen while the choices wait: the 999 instruction, then the choices again', async () => {
    const adapter = chat();
    await offered(adapter, UNSURE);
    await runTranscript(adapter, [
      ['he has collapsed and is not breathing', /^Call 999 now/, /alerted the care co-ordination team/, /carry on where we were/, CHOICES],
      [RIGHT, CITED_RIGHT],
    ]);
  });

  it('still meets a question about a personal decision with who can decide, not with choices', async () => {
    await runTranscript(chat(), [
      ['should i stop taking my warfarin before my dental appointment', GREETING, /cannot give advice about your own treatment[^]*GP, pharmacist/],
    ]);
  });
});

describe('the three outcomes on SMS', () => {
  it('numbers the choices, answers the one picked by number, and sends the rest of it on MORE', async () => {
    const adapter = sms();
    const prompt = await offered(adapter, UNSURE);
    const text = smsTextOf(prompt);
    expect(text).toMatch(/^I found a few articles[^\n]*\n1\. .+\n2\. .+\n3\. .+\n4\. None of these: talk to someone\nReply 1, 2, 3 or 4$/);
    const number = text.split('\n').findIndex((line) => line.endsWith(`. ${RIGHT}`));
    expect(number).toBeGreaterThan(0);
    await runTranscript(adapter, [
      [String(number), CITED_RIGHT],
      ['more', /.{40,}/],
    ]);
  });

  it('"none of these" by its number asks for a co-ordinator, and YES takes the details', async () => {
    const adapter = sms();
    await offered(adapter, UNSURE);
    await runTranscript(adapter, [['4', ASKED], ['yes', WHO]]);
  });

  it('answers outright when the top article is clearly right, with MORE for the rest', async () => {
    await runTranscript(sms(), [['how do i order my repeat prescription', GREETING, /Source: .+\nGeneral information, not personal advice\.\nReply MORE for more$/]]);
  });

  it('declines what nothing fits, and offers a co-ordinator', async () => {
    await runTranscript(sms(), [['what is the capital of france', GREETING, /not sure[^]*talk to someone/], ['yes', ASKED]]);
  });
});
