import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listQueue } from '../../src/concerns/queue-page.js';
import { openTestBot, type TestBot } from '../support/test-bot.js';
import { runTranscript } from '../support/transcript.js';

let bot: TestBot;
beforeAll(async () => {
  bot = await openTestBot();
});
afterAll(async () => {
  await bot.close();
});

const GREETING = /Hello, I am Carepoint[^]*not for emergencies/;
const CITED = /Source: .+, reviewed \d{1,2} [A-Z][a-z]{2} \d{4}/;
// The request for a person is committed first and the person told when; then the details are offered.
const ASKED = /^I have asked a care co-ordinator to (?:join this conversation|contact you) \(reference CP-[A-HJ-NP-Z2-9]{6}\)\.[^]*take the details now/;

describe('main dialog', () => {
  it('greets a new conversation once, saying it is not for emergencies and what it can do', async () => {
    await runTranscript(bot.conversation(), [
      ['hello', GREETING],
      ['hi', /Hello again/],
    ]);
  });

  it('answers a question from the knowledge base with the article title and review date', async () => {
    await runTranscript(bot.conversation(), [
      ['how do i order my repeat prescription', GREETING, CITED],
    ]);
  });

  it('says plainly when it does not know, offers a co-ordinator, and "yes" asks for one, then takes the details', async () => {
    await runTranscript(bot.conversation(), [
      ['what is the capital of france', GREETING, /not sure[^]*co-ordinator/i],
      ['yes', ASKED],
      ['yes', /about you, or about someone you care for\?/],
    ]);
  });

  it('on SMS, sends the summary first and the rest on MORE', async () => {
    const adapter = bot.conversation({ channelId: 'sms', identity: { phone: '+447700900999', requesterKey: 'sms:+447700900999' } });
    await runTranscript(adapter, [
      ['how do i order my repeat prescription', /not for emergencies/, /Reply MORE/],
      ['more', /.{40,}/],
      ['more', /nothing more to send/],
    ]);
  });

  it('tells a person the status of their own concern, and never of another person\'s', async () => {
    const other = bot.conversation();
    await runTranscript(other, [['my chest hurts', /^Call 999 now/, /alerted the care co-ordination team/]]);
    const [item] = (await listQueue(bot.db)).filter((i) => i.conversationId === other.conversation.conversation.id);
    expect(item).toBeDefined();

    await runTranscript(bot.conversation(), [
      [`What's happening with ${item!.reference}?`, GREETING, new RegExp(`cannot find a concern with the reference ${item!.reference}`)],
      ['any update?', /cannot find any concerns raised from here/],
    ]);
    await runTranscript(other, [
      [`what's happening with ${item!.reference.toLowerCase()}`, new RegExp(`${item!.reference}: your concern raised .* is waiting`)],
    ]);
  });

  it('adds further emergency messages to the open emergency item instead of flooding the queue', async () => {
    const adapter = bot.conversation();
    await runTranscript(adapter, [
      ['he has collapsed and is not breathing', /^Call 999 now/, /alerted the care co-ordination team \(ref CP-/],
      ['his lips are going blue', /^Call 999 now/, /alerted the care co-ordination team \(ref CP-/],
      ['no chest pain, just asking about diet', /.+/, /If any of this is happening now, call 999/],
    ]);
    const items = (await listQueue(bot.db)).filter((i) => i.conversationId === adapter.conversation.conversation.id);
    expect(items).toHaveLength(1);
    expect(items[0]!.transcript.map((t) => t.text)).toEqual(['he has collapsed and is not breathing', 'his lips are going blue']);
    expect(items[0]!.details.redFlags).toEqual(expect.arrayContaining(['unconscious', 'breathing-difficulty']));
  });

  it('answers a hypothetical about a red flag, then says where to go if it is happening now', async () => {
    const adapter = bot.conversation();
    await runTranscript(adapter, [['what should I do if my dad gets chest pain', GREETING, /.+/, /If any of this is happening now, call 999/]]);
    expect((await listQueue(bot.db)).filter((i) => i.conversationId === adapter.conversation.conversation.id)).toHaveLength(0);
  });

  it('treats a question about warning signs as a question, not an emergency', async () => {
    const adapter = bot.conversation();
    // A knowledge reply (answered, or articles offered), never the 999 instruction.
    // Offered as choices (not a confident answer), so the reply ends with the safety-net line.
    await runTranscript(adapter, [['what are the signs of a stroke?', GREETING, new RegExp(`${CITED.source}|I found a few articles`), /call 999/]]);
    expect((await listQueue(bot.db)).filter((i) => i.conversationId === adapter.conversation.conversation.id)).toHaveLength(0);
  });
});

describe('small talk', () => {
  it('gets a short friendly reply, never "I am not sure I have reliable information"', async () => {
    await runTranscript(bot.conversation(), [
      ['Hi there', GREETING],
      ['hello there', /^Hello again\./],
      ['ok', /^OK\. Ask me a question/],
      ['thanks', /^You are welcome/],
      ['thank you so much', /^You are welcome/],
      ['bye', /^Goodbye, take care\. In an emergency call 999; if it is urgent, call NHS 111\.$/],
    ]);
  });

  it('is recognised on SMS too', async () => {
    const adapter = bot.conversation({ channelId: 'sms', identity: { phone: '+447700900997', requesterKey: 'sms:+447700900997' } });
    await runTranscript(adapter, [
      ['hiya', /not for emergencies/],
      ['okay', /^OK\. Text a question/],
      ['ok thanks', /^You are welcome/],
      // "goodbye" is also a word the screen watches (goodbye signs): the safety-net line follows.
      ['goodbye', /^Goodbye/, /If this is happening now, call 999/],
    ]);
  });

  it('never falls through to the knowledge base', async () => {
    const { intentOf } = await import('../../src/conversation/intents.js');
    for (const text of ['Hi there', 'hello, how are you?', 'thanks', 'cheers', 'bye', 'bye for now', 'ok', 'okay then', 'see you']) {
      expect(intentOf(text).kind, text).not.toBe('question');
    }
  });
});

describe('personal advice', () => {
  it('never decides about a person\'s own treatment: it says who can, and offers a co-ordinator', async () => {
    await runTranscript(bot.conversation(), [
      ['should I stop taking my warfarin before my dental appointment', GREETING, /cannot give advice about your own treatment[^]*GP, pharmacist/],
      ['yes', ASKED],
      ['yes', /about you, or about someone you care for\?/],
    ]);
  });

  it('answers general questions as before', async () => {
    await runTranscript(bot.conversation(), [['how do I use my inhaler properly', GREETING, CITED]]);
  });
});

describe('SMS "MORE"', () => {
  it('never sends an article that passed its review-due date in between', async () => {
    const adapter = bot.conversation({ channelId: 'sms', identity: { phone: '+447700900998', requesterKey: 'sms:+447700900998' } });
    await runTranscript(adapter, [['how do i order my repeat prescription', /not for emergencies/, /Reply MORE/]]);
    const today = bot.clock.now();
    bot.clock.set(new Date('2031-01-01T09:00:00Z'));
    try {
      await runTranscript(adapter, [['more', /nothing more to send/]]);
    } finally {
      bot.clock.set(today);
    }
  });
});
