import type { TestAdapter } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEEKDAY_ROTA, rotaOf } from '../oncall/fixtures.js';
import { ACCEPTING_PAGER, onCallParts } from '../support/on-call-parts.js';
import { openTestBot, type TestBot } from '../support/test-bot.js';
import { literally } from '../support/literally.js';
import { runTranscript, type Exchange } from '../support/transcript.js';

/**
 * "talk to someone" with no concern open: one path with "speak to a human". A concern flagged wants-a-person is
 * committed before the person is told anything; they are told truthfully when someone can be there (from the rota,
 * the queue and the priority); and they are offered to give the details now, which go on that same concern.
 */

let bot: TestBot;
beforeAll(async () => {
  bot = await openTestBot({
    // As the composition root wires it: the promise comes from the paging feature (rota and queue).
    onCall: onCallParts(rotaOf(WEEKDAY_ROTA), ACCEPTING_PAGER),
  });
});
afterAll(() => bot.close());

const GREETING = /not for emergencies/;
const WHO = /about you, or about someone you care for\?/;
const SOON_PROMISE = 'A care co-ordinator aims to contact you within 2 working days. If things get worse, call NHS 111, or 999 in an emergency.';

interface Concern { id: string; reference: string; priority: string; details: Record<string, unknown> }

/** The conversation's concerns, oldest first. */
async function concernsOf(adapter: TestAdapter): Promise<Concern[]> {
  const { rows } = await bot.db.query<Concern>(
    'select id, reference, priority, details from concerns where conversation_id = $1 order by created_at',
    [adapter.conversation.conversation.id],
  );
  return rows;
}

/** What was committed at the moment each reply went out (the rule: committed before the person is told). */
function committedAtEachReply(adapter: TestAdapter): Concern[][] {
  const seen: Concern[][] = [];
  adapter.use(async (context, next) => {
    context.onSendActivities(async (_ctx, activities, send) => {
      seen.push(await concernsOf(adapter));
      return send();
    });
    await next();
  });
  return seen;
}

/** The concern dialog after "who is it about", about oneself, on chat; `how soon` decides the priority. */
const chatDetails = (howSoon: string): Exchange[] => [
  ['me', /full name\?/], ['Jane Smith', /date of birth\?/], ['31/01/1950', /Which condition/], ['kidney', /What kind/],
  ['2', /what is happening\?/],
  ['The hospital said they would send a dialysis appointment three weeks ago and nothing has come.', /How soon/],
  [howSoon, /contact you\?/], ['reply here', /When is best/], ['morning', /May we share/], ['yes', /Here is what/, /Is that right\?/],
];

describe('"talk to someone" with no concern open', () => {
  it('on chat, in working hours: commits a wants-a-person concern, then says when, then takes the details onto it', async () => {
    bot.clock.set(new Date('2026-11-24T10:00:00Z')); // a Tuesday, the team working, Sam on call
    const adapter = bot.conversation();
    const committed = committedAtEachReply(adapter);
    let reference = '';
    await runTranscript(adapter, [
      ['talk to someone', GREETING, new RegExp(`^I have asked a care co-ordinator to join this conversation \\(reference (CP-[A-HJ-NP-Z2-9]{6})\\)\\. ${literally(SOON_PROMISE)}\n\nWhile you wait, I can take the details now, so that you do not have to tell them again\\. Shall we do that\\?$`)],
    ]);
    const [raised] = await concernsOf(adapter);
    expect(raised).toMatchObject({ priority: 'soon', details: { wantsAPerson: true } });
    reference = raised!.reference;
    // Already there when the greeting and the promise went out.
    expect(committed.map((c) => c.length)).toEqual([1, 1]);

    await runTranscript(adapter, [
      ['yes', WHO],
      ...chatDetails('today'),
      ['yes', new RegExp(`^Thank you\\. I have added this to your request to talk to a care co-ordinator \\(reference ${reference}\\), so you will not need to tell them again\\. Someone on call will contact you within 2 hours\\.`)],
    ]);
    // One concern, with everything: the request and the details, raised to what the details say.
    const concerns = await concernsOf(adapter);
    expect(concerns).toHaveLength(1);
    expect(concerns[0]).toMatchObject({
      id: raised!.id, priority: 'urgent',
      details: { wantsAPerson: true, subject: 'self', name: 'Jane Smith', pathway: 'kidney', urgency: 'today', contactMethod: 'this-conversation' },
    });
    const { rows: events } = await bot.db.query<{ kind: string; data: Record<string, unknown> }>(
      'select kind, data from concern_events where concern_id = $1 order by id', [raised!.id],
    );
    expect(events.map((e) => e.kind)).toEqual(['raised', 'wants-a-person', 'wants-a-person']);
    expect(events[2]!.data).toEqual({ details: 'given', priority: 'urgent' });
    // Urgent now: the person on call is paged, as for an urgent concern raised any other way.
    const { rows: pages } = await bot.db.query('select 1 from jobs where singleton_key = $1', [`paging:${raised!.id}`]);
    expect(pages).toHaveLength(1);
  });

  it('on SMS, on a Saturday: says the team is away and when someone will be back, and YES takes the details', async () => {
    bot.clock.set(new Date('2026-11-28T11:00:00Z'));
    const phone = '+447700900555';
    const adapter = bot.conversation({ channelId: 'sms', identity: { requesterKey: `sms:${phone}`, phone } });
    await runTranscript(adapter, [
      ['talk to someone', GREETING, /^I have asked a care co-ordinator to contact you \(reference CP-[A-HJ-NP-Z2-9]{6}\)\. A care co-ordinator aims to contact you within 2 working days \(the team works Monday to Friday, 8am to 6pm\)\. If things get worse, call NHS 111, or 999 in an emergency\.\n\nWhile you wait, I can take the details now, so that you do not have to tell them again\. Reply YES to start\.$/],
      ['YES', WHO],
      ['1', /full name\?/], ['Jane Smith', /date of birth\?/], ['31/01/1950', /Which condition/], ['kidney', /What kind/], ['2', /what is happening\?/],
      ['My dialysis appointment letter never came', /How soon/], ['in the next few days', /contact you\?/], ['text message', /When is best/],
      ['morning', /May we share/], ['yes', /Here is what/, /Is that right\?/],
      ['yes', /^Thank you\. I have added this to your request to talk to a care co-ordinator \(reference CP-[A-HJ-NP-Z2-9]{6}\), so you will not need to tell them again\. A care co-ordinator aims to contact you within 2 working days/],
    ]);
    const concerns = await concernsOf(adapter);
    expect(concerns).toHaveLength(1);
    expect(concerns[0]).toMatchObject({ priority: 'soon', details: { wantsAPerson: true, phone, contactMethod: 'text-message' } });
  });

  it('"speak to a human" is the same path; "no thanks" leaves the request as it is', async () => {
    bot.clock.set(new Date('2026-11-24T10:00:00Z'));
    const adapter = bot.conversation();
    await runTranscript(adapter, [
      ['hello', GREETING],
      ['speak to a human', /^I have asked a care co-ordinator to join this conversation \(reference CP-[A-HJ-NP-Z2-9]{6}\)\.[^]*Shall we do that\?$/],
      ['no thanks', /^OK\. Your request is with the care co-ordination team \(reference CP-[A-HJ-NP-Z2-9]{6}\)\. Ask me a question meanwhile if you like\.$/],
    ]);
    expect(await concernsOf(adapter)).toMatchObject([{ priority: 'soon', details: { wantsAPerson: true } }]);
  });

  it('the choices\' "none of these" and "yes" to a decline\'s offer are the same path: committed with the question, then told', async () => {
    bot.clock.set(new Date('2026-11-24T10:00:00Z'));
    for (const [question, take] of [['carer late again today', 'None of these: talk to someone'], ['what is the capital of france', 'yes']] as const) {
      const adapter = bot.conversation();
      const committed = committedAtEachReply(adapter);
      await runTranscript(adapter, [[question, GREETING, /./]]);
      expect(await concernsOf(adapter)).toEqual([]);
      await runTranscript(adapter, [[take, /^I have asked a care co-ordinator to join this conversation \(reference CP-[A-HJ-NP-Z2-9]{6}\)\.[^]*Shall we do that\?$/]]);
      const [raised] = await concernsOf(adapter);
      expect(raised).toMatchObject({ priority: 'soon', details: { wantsAPerson: true } });
      // Already there when the promise went out, and the co-ordinator sees the question without asking again.
      expect(committed.at(-1)).toHaveLength(1);
      const { rows } = await bot.db.query<{ transcript: string }>('select transcript::text from concerns where id = $1', [raised!.id]);
      expect(rows[0]!.transcript).toContain(question);
      await runTranscript(adapter, [['yes', WHO]]);
    }
  });

  it('asked in the middle of giving a concern: committed, told when, and the same question again; the answers go on it', async () => {
    bot.clock.set(new Date('2026-11-24T10:00:00Z'));
    const adapter = bot.conversation();
    await runTranscript(adapter, [
      ['I want to raise a concern', GREETING, WHO],
      ['me', /full name\?/],
      ['talk to someone', /^I have asked a care co-ordinator to join this conversation \(reference CP-[A-HJ-NP-Z2-9]{6}\)\. [^\n]+\n\nMeanwhile, let us carry on with the details: they go to the co-ordinator with your request, so you will not need to tell them again\.$/, /full name\?/],
      ['Jane Smith', /date of birth\?/], ['31/01/1950', /Which condition/], ['kidney', /What kind/], ['2', /what is happening\?/],
      ['The hospital said they would send a dialysis appointment three weeks ago and nothing has come.', /How soon/],
      ['in the next few days', /contact you\?/], ['reply here', /When is best/], ['morning', /May we share/], ['yes', /Here is what/, /Is that right\?/],
      ['yes', /I have added this to your request to talk to a care co-ordinator/],
    ]);
    const concerns = await concernsOf(adapter);
    expect(concerns).toHaveLength(1);
    expect(concerns[0]!.details).toMatchObject({ wantsAPerson: true, name: 'Jane Smith', pathway: 'kidney' });
  });

  it('with a concern open already, flags that one and offers nothing more to fill in', async () => {
    bot.clock.set(new Date('2026-11-24T10:00:00Z'));
    const adapter = bot.conversation();
    await runTranscript(adapter, [
      ['I want to raise a concern', GREETING, WHO],
      ...chatDetails('in the next few days'),
      ['yes', /Your reference is (CP-[A-HJ-NP-Z2-9]{6})/],
      ['talk to someone', /^I have asked a care co-ordinator to join this conversation \(reference CP-[A-HJ-NP-Z2-9]{6}\)\. A care co-ordinator aims to contact you within 2 working days\.[^\n]*$/],
    ]);
    const concerns = await concernsOf(adapter);
    expect(concerns).toHaveLength(1);
    expect(concerns[0]!.details).toMatchObject({ wantsAPerson: true, description: expect.stringMatching(/dialysis/) });
  });
});
