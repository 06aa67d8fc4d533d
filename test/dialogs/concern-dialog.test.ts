import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concernsOf } from '../../src/concerns/concern-queue.js';
import { listQueue } from '../../src/concerns/queue-page.js';
import { openTestBot, type TestBot } from '../support/test-bot.js';
import { runTranscript, type Exchange } from '../support/transcript.js';

let bot: TestBot;
beforeAll(async () => {
  bot = await openTestBot();
});
afterAll(async () => {
  await bot.close();
});

const GREETING = /not for emergencies/;
const WHO = /about you, or about someone you care for\?/;
const RELATIONSHIP = /Who are they to you\?/;
const NAME = /full name\?/;
const CARER_NAME = /what is your own name/;
const DOB = /date of birth\?/;
const PATHWAY = /Which condition or care is this about\?/;
const KIND = /What kind of concern is it\?/;
const DESCRIBE = /In your own words, what is happening\?/;
const HOW_SOON = /How soon does this need attention\?/;
const HOW_CONTACT = /How would you like the co-ordinator to contact you\?/;
const NUMBER = /What number should they use\?/;
const WHEN = /When is best to reach you\?/;
const CONSENT = /May we share this with the care team/;
const SUMMARY = /Here is what I will pass on:/;
const IS_THAT_RIGHT = /Is that right\?/;
const PASSED_ON = /passed this to the care co-ordination team\. Your reference is CP-[A-HJ-NP-Z2-9]{6}\./;

/** The answers after "who is it about", for a concern about oneself. */
const restOfConcern: Exchange[] = [
  ['Jane Smith', DOB],
  ['31/01/1950', PATHWAY],
  ['kidney', KIND],
  ['2', DESCRIBE],
  ['The hospital said they would send a dialysis appointment three weeks ago and nothing has come.', HOW_SOON],
  ['in the next few days', HOW_CONTACT],
  ['reply here', WHEN],
  ['morning', CONSENT],
  ['yes', SUMMARY, IS_THAT_RIGHT],
];

describe('concern dialog', () => {
  it('collects a concern about oneself and commits it before giving the reference', async () => {
    const adapter = bot.conversation();
    await runTranscript(adapter, [
      ["I'm worried about something", GREETING, WHO],
      ['me', NAME],
      ...restOfConcern,
      ['yes', PASSED_ON],
    ]);
    const key = `test:${adapter.conversation.user!.id}`;
    const [concern] = await concernsOf(bot.db, key);
    expect(concern).toBeDefined();
    expect(concern!.priority).toBe('soon');
    expect(concern!.status).toBe('open');
    expect(concern!.details).toMatchObject({
      subject: 'self', name: 'Jane Smith', dateOfBirth: '1950-01-31', pathway: 'kidney', kind: 'appointment-or-referral',
      urgency: 'next-few-days', contactMethod: 'this-conversation', contactTime: 'morning', consentToShare: true,
    });
    // The transcript carries the turns that led to it.
    expect(concern!.transcript.some((t) => t.direction === 'in' && /dialysis appointment/.test(t.text))).toBe(true);
  });

  it('asks who they are to the person when it is about someone they care for, and re-prompts bad input', async () => {
    const adapter = bot.conversation();
    await runTranscript(adapter, [
      ['I want to raise a concern', GREETING, WHO],
      ['purple', /Please choose one of the options: 1 Me, 2 Someone I care for/],
      ['2', RELATIONSHIP],
      ['x', /Please tell me in a word or two[^]*Who are they to you\?/],
      ['my mum', CARER_NAME],
      ['Ann Jones', NAME],
      ['!!', /Please use letters only[^]*full name\?/],
      ['Mary Jones', DOB],
      ['next tuesday', /could not read that as a date of birth[^]*date of birth\?/],
      ['31/12/2099', /could not read that as a date of birth[^]*date of birth\?/],
      ['3 March 1941', PATHWAY],
      ['dementia', KIND],
      ['care at home', DESCRIBE],
      ['help', /You can:/, DESCRIBE],
      ['bad', /tell me a little more[^]*what is happening\?/],
      ['Her carers did not come this morning and nobody has rung to say why.', HOW_SOON],
      ['today', HOW_CONTACT],
      ['phone call', NUMBER],
      ['12345', /does not look like a phone number[^]*What number should they use\?/],
      ['07700 900123', WHEN],
      ['any time', CONSENT],
      ['no', SUMMARY, IS_THAT_RIGHT],
      ['yes', /CP-[A-HJ-NP-Z2-9]{6}.*aims to contact you today/],
    ]);
    const [concern] = await concernsOf(bot.db, `test:${adapter.conversation.user!.id}`);
    expect(concern!.priority).toBe('urgent');
    expect(concern!.details).toMatchObject({
      subject: 'someone-else', relationship: 'my mum', carerName: 'Ann Jones', name: 'Mary Jones', dateOfBirth: '1941-03-03',
      phone: '+447700900123', contactMethod: 'phone-call', consentToShare: false,
    });
  });

  it('takes an option named inside a sentence, but never a number inside one, and asks again when two are named', async () => {
    const adapter = bot.conversation();
    await runTranscript(adapter, [
      ['I want to raise a concern', GREETING, WHO],
      ['me and my mum', /Please choose one of the options: 1 Me, 2 Someone I care for/],
      ["it's about my mum really", RELATIONSHIP],
      ['my mum', CARER_NAME],
      ['Ann Jones', NAME],
      ['Mary Jones', DOB],
      ['31/01/1950', PATHWAY],
      ["it's the diabetes one", KIND],
      // botbuilder's ChoicePrompt took the 3 as option 3, "Symptoms".
      ['I rang 3 times about it', /Please choose one of the options: 1 Medicines/],
      ['her tablets', DESCRIBE],
      ['The pharmacy said her new order would be in three weeks ago and nothing has come.', HOW_SOON],
      ['next few days', HOW_CONTACT],
      ['reply here', WHEN],
      // And the 3 as option 3, "Evening".
      ['after 3pm', /Please choose one of the options: 1 Morning, 2 Afternoon/],
      ['afternoon', CONSENT],
      ['yes', SUMMARY, IS_THAT_RIGHT],
      ['yes', PASSED_ON],
    ]);
    const [concern] = await concernsOf(bot.db, `test:${adapter.conversation.user!.id}`);
    expect(concern!.details).toMatchObject({
      subject: 'someone-else', relationship: 'my mum', pathway: 'diabetes', kind: 'medication', contactTime: 'afternoon',
    });
  });

  it('starts again when the read-back is wrong, and stores nothing until confirmed', async () => {
    const adapter = bot.conversation();
    await runTranscript(adapter, [
      ['I want to raise a concern', GREETING, WHO],
      ['me', NAME],
      ...restOfConcern,
      ['no', /go through it again/, WHO],
    ]);
    expect(await concernsOf(bot.db, `test:${adapter.conversation.user!.id}`)).toHaveLength(0);
  });

  it('cancels at any point, and then answers questions as normal', async () => {
    const adapter = bot.conversation();
    await runTranscript(adapter, [
      ["I'm worried", GREETING, WHO],
      ['me', NAME],
      ['cancel', /stopped that and nothing was sent/],
      ['cancel', /nothing in progress/],
    ]);
    expect(await concernsOf(bot.db, `test:${adapter.conversation.user!.id}`)).toHaveLength(0);
  });

  it('starts again from the first question on "start again"', async () => {
    const adapter = bot.conversation();
    await runTranscript(adapter, [
      ["I'm worried", GREETING, WHO],
      ['me', NAME],
      ['Jane Smith', DOB],
      ['start again', /start again/, WHO],
    ]);
  });

  it('gives emergency advice mid-dialog, raises an emergency item, and keeps the patient\'s place', async () => {
    const adapter = bot.conversation();
    await runTranscript(adapter, [
      ["I'm worried", GREETING, WHO],
      ['me', NAME],
      ['my chest pian is really bad now', /^Call 999 now/, /alerted the care co-ordination team \(ref CP-/, /carry on where we were/, NAME],
      ['Jane Smith', DOB],
    ]);
    const emergencies = (await listQueue(bot.db)).filter(
      (i) => i.conversationId === adapter.conversation.conversation.id && i.priority === 'emergency',
    );
    expect(emergencies).toHaveLength(1);
    expect(emergencies[0]!.details.redFlags).toEqual(['chest-pain']);
  });

  it('after a false alarm, "carry on" keeps the message as the answer and the emergency item records it', async () => {
    const adapter = bot.conversation();
    const falseAlarm = "My mum's tablets were doubled by mistake and she is mixed up about which to take";
    await runTranscript(adapter, [
      ["I'm worried", GREETING, WHO],
      ['me', NAME],
      ['Jane Smith', DOB],
      ['31/01/1950', PATHWAY],
      ['dementia', KIND],
      ['medicines', DESCRIBE],
      [falseAlarm, /^Call 999 now/, /alerted the care co-ordination team \(ref CP-/, /say "carry on" and I will use what you wrote/, DESCRIBE],
      ['carry on', /carry on with what you wrote/, HOW_SOON],
      ['today', HOW_CONTACT],
      ['reply here', WHEN],
      ['any time', CONSENT],
      ['yes', SUMMARY, IS_THAT_RIGHT],
      ['yes', PASSED_ON],
    ]);
    const mine = (await listQueue(bot.db)).filter((i) => i.conversationId === adapter.conversation.conversation.id);
    const emergency = mine.find((i) => i.priority === 'emergency')!;
    expect(emergency.details.personSaidNotEmergency).toEqual(expect.any(String));
    const { rows } = await bot.db.query<{ kind: string }>('select kind from concern_events where concern_id = $1', [emergency.id]);
    expect(rows.map((r) => r.kind)).toEqual(['raised', 'person-said-not-emergency']);
    expect(mine.find((i) => i.priority === 'urgent')!.details.description).toBe(falseAlarm);
  });

  it('takes "it is not an emergency" as the check question it raises, then carries on with what was written', async () => {
    const adapter = bot.conversation();
    await runTranscript(adapter, [
      ["I'm worried", GREETING, WHO],
      ['me', NAME],
      ['Jane Smith', DOB],
      ['31/01/1950', PATHWAY],
      ['dementia', KIND],
      ['medicines', DESCRIBE],
      ["My mum's tablets were doubled by mistake and she is mixed up about which to take", /^Call 999 now/, /alerted|passed this/, /carry on/, DESCRIBE],
      ['it is not an emergency', /Is someone in danger right now/],
      ['No, carry on', /^Thank you\. If anything changes/, /carry on with what you wrote/, HOW_SOON, /call 999/],
    ]);
  });

  it('without an emergency before it, "carry on" is just an answer', async () => {
    await runTranscript(bot.conversation(), [
      ["I'm worried", GREETING, WHO],
      ['me', NAME],
      ['Jane Smith', DOB],
      ['31/01/1950', PATHWAY],
      ['dementia', KIND],
      ['medicines', DESCRIBE],
      ['carry on', /tell me a little more[^]*what is happening\?/],
    ]);
  });

  it('does not ask again what the opening message said, asks a carer their own name, reads dates back the UK way', async () => {
    const adapter = bot.conversation();
    await runTranscript(adapter, [
      ["I'm worried about my mum's medication", GREETING, /^I understand this is about your mum, and about medicines\. I will check that with you at the end\.$/, CARER_NAME],
      ['Ann Jones', NAME],
      ['Mary Jones', DOB],
      ['3/3/1941', PATHWAY],
      ['dementia', DESCRIBE],
      // A status question in the middle is answered, then the same question comes back.
      ['any update?', /cannot find any concerns raised from here/, DESCRIBE],
      ['The pharmacy changed the brand of her donepezil and the new box looks different.', HOW_SOON],
      ['in the next few days', HOW_CONTACT],
      ['phone call', NUMBER],
      ['07700 900123', WHEN],
      ['morning', CONSENT],
      ['yes', /About: Someone you care for \(my mum\), Mary Jones, born 3 March 1941\nYour name: Ann Jones\n[^]*Concern: Medicines/, IS_THAT_RIGHT],
      ['yes', PASSED_ON],
    ]);
    const [concern] = await concernsOf(bot.db, `test:${adapter.conversation.user!.id}`);
    expect(concern!.details).toMatchObject({
      subject: 'someone-else', relationship: 'my mum', carerName: 'Ann Jones', name: 'Mary Jones', dateOfBirth: '1941-03-03', kind: 'medication',
    });
  });

  it('changes one field at the read-back without starting again', async () => {
    const adapter = bot.conversation();
    await runTranscript(adapter, [
      ["I'm worried about my dad", GREETING, /I understand this is about your dad/, CARER_NAME],
      ['Ann Jones', NAME],
      ['Tom Jones', DOB],
      ['3 March 1941', PATHWAY],
      ['dementia', KIND],
      ['appointments', DESCRIBE],
      ['His follow-up clinic letter never came and the hospital line is always engaged.', HOW_SOON],
      ['next few days', HOW_CONTACT],
      ['phone call', NUMBER],
      ['07700 900123', WHEN],
      ['morning', CONSENT],
      ['yes', /Phone call on \+447700900123/, IS_THAT_RIGHT],
      ['change the phone number', NUMBER],
      ['07700 900789', /Phone call on \+447700900789/, IS_THAT_RIGHT],
      ['change my name', /What is your own name\?/],
      ['Annie Jones', /Your name: Annie Jones/, IS_THAT_RIGHT],
      ['the date of birth is wrong', /What is their date of birth\?/],
      ['4/3/1941', /born 4 March 1941/, IS_THAT_RIGHT],
      ['purple', /Please say yes to send it, no to start again, or what to change/],
      ['yes', PASSED_ON],
    ]);
    const [concern] = await concernsOf(bot.db, `test:${adapter.conversation.user!.id}`);
    expect(concern!.details).toMatchObject({
      phone: '+447700900789', carerName: 'Annie Jones', name: 'Tom Jones', dateOfBirth: '1941-03-04', pathway: 'dementia', kind: 'appointment-or-referral',
    });
  });

  it('does not ask a registered patient who they are, and on SMS uses the number they text from', async () => {
    const adapter = bot.conversation({ channelId: 'sms', identity: { phone: '+447700900456', requesterKey: 'patient:test-1' } });
    await runTranscript(adapter, [
      ["I'm worried about my meds", GREETING, /I understand this is about medicines/, WHO],
      ['1', PATHWAY],
      ['epilepsy', DESCRIBE],
      ['The pharmacy says my levetiracetam is out of stock everywhere.', HOW_SOON],
      ['1', HOW_CONTACT],
      ['text message', WHEN],
      ['evening', CONSENT],
      ['yes', SUMMARY, IS_THAT_RIGHT],
      ['yes', PASSED_ON],
      ['any update?', /CP-[A-HJ-NP-Z2-9]{6}: your medicines concern raised .* is waiting for a care co-ordinator/],
    ]);
    const [concern] = await concernsOf(bot.db, 'patient:test-1');
    expect(concern!.channel).toBe('sms');
    expect(concern!.details).toMatchObject({ contactMethod: 'text-message', phone: '+447700900456', urgency: 'today' });
    expect(concern!.details.name).toBeUndefined();
  });
});

describe('identity', () => {
  it('comes only from the channel adapter that verified it, never from what the client sends', async () => {
    const registered = bot.conversation({ channelId: 'sms', identity: { phone: '+447700900457', requesterKey: 'patient:test-2' } });
    await runTranscript(registered, [
      ['my chest hurts', /^Call 999 now/, /alerted the care co-ordination team/],
    ]);
    const forger = bot.conversation();
    await forger
      .send({ type: 'message', text: 'any update?', channelData: { requesterKey: 'patient:test-2', phone: '+447700900457' } })
      .assertReply((activity) => expect(activity.text).toMatch(/not for emergencies/))
      .assertReply((activity) => expect(activity.text).toMatch(/cannot find any concerns raised from here/))
      .startTest();
  });
});

describe('two answers at once', () => {
  it('take their turns in order, so two "yes" messages commit one concern', async () => {
    const adapter = bot.conversation();
    await runTranscript(adapter, [["I'm worried", GREETING, WHO], ['me', NAME], ...restOfConcern]);
    await Promise.all([
      adapter.processActivity({ type: 'message', text: 'yes' } as never),
      adapter.processActivity({ type: 'message', text: 'yes' } as never),
    ]);
    const texts: string[] = [];
    for (let reply = adapter.getNextReply(); reply; reply = adapter.getNextReply()) texts.push(reply.text ?? '');
    expect(texts.filter((t) => /Your reference is/.test(t))).toHaveLength(1);
    expect(await concernsOf(bot.db, `test:${adapter.conversation.user!.id}`)).toHaveLength(1);
  });
});
