import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMS_SEGMENT_LENGTH } from '../../../src/channels/sms/sms-text.js';
import { isGsm7 } from '../../../src/knowledge/gsm7.js';
import { newMessageSid, type SmsPhone } from '../../support/sms-phone.js';
import { DEV_TOKEN } from '../../support/start-carepoint.js';
import { count, startSmsWorld, type SmsWorld } from './sms-setup.js';

/** One Carepoint for the file; each test texts from its own number, so conversations do not meet. */
let world: SmsWorld;
let nextNumber = 100_000;
const newPhone = (): SmsPhone => world.phone(`+447911${nextNumber++}`);

beforeAll(async () => {
  world = await startSmsWorld();
});
afterAll(async () => {
  await world.stop();
});

async function concernRows(conversationId: string) {
  const { rows } = await world.db.query<{ reference: string; channel: string; requester_key: string; details: Record<string, unknown> }>(
    `select reference, channel, requester_key, details from concerns where conversation_id = $1 and priority <> 'emergency'`,
    [conversationId],
  );
  return rows;
}

describe('a concern over SMS', () => {
  it('goes from first text to a reference, answering choices by number and by word', async () => {
    const phone = newPhone();
    const transcript: [string, RegExp][] = [
      ['Hello', /Carepoint/],
      ['worried', /about you, or about someone you care for\?\n1\. Me\n2\. Someone I care for\nReply 1 or 2$/],
      ['1', /what is your full name\?/],
      ['Jane Smith', /date of birth\?/],
      ['31/01/1950', /Which condition[\s\S]*\n6\. COPD\n[\s\S]*Reply a number from 1 to 11$/],
      ['COPD', /What kind of concern is it\?\n1\. Medicines/],
      ['1', /In your own words/],
      ['I have run out of my inhaler and the pharmacy has none left', /How soon[\s\S]*Reply 1, 2 or 3$/],
      ['2', /How would you like the co-ordinator to contact you\?\n1\. Text message\n2\. Phone call\nReply 1 or 2$/],
      ['text message', /When is best to reach you\?[\s\S]*Reply 1, 2, 3 or 4$/],
      ['4', /May we share this[\s\S]*\n1\. Yes\n2\. No\nReply 1 or 2$/],
      ['1', /Here is what I will pass on:[\s\S]*Jane Smith, born 31 January 1950[\s\S]*Text message on \+447911/],
      ['yes', /Your reference is CP-[A-Z2-9]{6}\./],
    ];
    for (const [says, expected] of transcript) {
      const reply = await phone.say(says);
      expect(reply, `after "${says}"`).toMatch(expected);
      expect(isGsm7(reply), `GSM-7 after "${says}"`).toBe(true);
    }
    const [concern, ...others] = await concernRows(`sms:${phone.number}`);
    expect(others).toEqual([]);
    expect(concern).toMatchObject({ channel: 'sms', requester_key: `sms:${phone.number}` });
    expect(concern!.details).toMatchObject({
      subject: 'self', name: 'Jane Smith', dateOfBirth: '1950-01-31', pathway: 'copd', kind: 'medication',
      urgency: 'next-few-days', contactMethod: 'text-message', phone: phone.number, contactTime: 'any-time', consentToShare: true,
    });
    // The co-ordinator sees it in the queue, with the SMS story.
    const queue = await fetch(`${world.carepoint.url}/api/queue`, { headers: { authorization: `Bearer ${DEV_TOKEN}` } });
    const { items } = (await queue.json()) as { items: { reference: string; channel: string; transcript: { text: string }[] }[] };
    const item = items.find((i) => i.reference === concern!.reference);
    expect(item?.channel).toBe('sms');
    expect(item?.transcript.some((t) => t.text.includes('pharmacy has none left'))).toBe(true);
  });

  it('links a registered number to the patient record and does not ask for name or date of birth', async () => {
    const phone = newPhone();
    const { rows } = await world.db.query<{ id: string }>(
      `insert into patients (name, date_of_birth, nhs_number) values ('Arthur Dent', '1952-03-11', '9434765919') returning id`,
    );
    const patientId = rows[0]!.id;
    await world.db.query('insert into patient_contacts (patient_id, phone) values ($1, $2)', [patientId, phone.number]);

    await phone.say('hi');
    expect(await phone.say('worried')).toMatch(/about you, or about someone you care for/);
    const afterWho = await phone.say('Me');
    expect(afterWho).toMatch(/Which condition/);
    expect(afterWho).not.toMatch(/name|date of birth/i);
    await phone.say('7');
    await phone.say('appointment or referral');
    await phone.say('My cardiology follow-up was cancelled and not rebooked');
    await phone.say('3');
    await phone.say('2');
    await phone.say('1');
    const readBack = await phone.say('no');
    expect(readBack).toMatch(/Here is what I will pass on:/);
    expect(readBack).not.toMatch(/Arthur|born/);
    expect(await phone.say('yes')).toMatch(/Your reference is CP-/);

    const [concern] = await concernRows(`sms:${phone.number}`);
    expect(concern).toMatchObject({ channel: 'sms', requester_key: `patient:${patientId}` });
    expect(concern!.details).not.toHaveProperty('name');
    expect(concern!.details).toMatchObject({ pathway: 'heart-failure', consentToShare: false, phone: phone.number });
    // Status questions cover the patient's record, not just this number.
    expect(await phone.say('any update on my concern?')).toContain(concern!.reference);
  });

  it('takes a concern from a short E.164 number (7 digits) and keeps it as the text-back number', async () => {
    const phone = world.phone('+6907290'); // Tokelau: a valid mobile number, 7 digits with the country code
    for (const says of ['Hello', 'worried', '1', 'Jane Smith', '31/01/1950', 'COPD', '1',
      'I have run out of my inhaler and the pharmacy has none left', '2', 'text message', '4', '1']) {
      await phone.say(says);
    }
    expect(await phone.say('yes')).toMatch(/Your reference is CP-[A-Z2-9]{6}\./);
    const [concern] = await concernRows('sms:+6907290');
    expect(concern!.details).toMatchObject({ contactMethod: 'text-message', phone: '+6907290' });
  });

  it('an unregistered number cannot see concerns raised by anyone else', async () => {
    const phone = newPhone();
    const { rows } = await world.db.query<{ reference: string }>('select reference from concerns limit 1');
    const reply = await phone.say(`any update on ${rows[0]!.reference}?`);
    expect(reply).toMatch(/I cannot find a concern with the reference/);
  });
});

describe('knowledge choices over SMS', () => {
  it('numbers the articles offered, answers the one chosen by number, and "none of these" asks for a co-ordinator', async () => {
    const phone = newPhone();
    await phone.say('hi');
    const question = 'carer late again today';
    const offer = await phone.say(question);
    expect(offer).toMatch(/^I found a few articles[^\n]*\n1\. .+\n2\. .+\n3\. .+\n4\. None of these: talk to someone\nReply 1, 2, 3 or 4$/);
    expect(isGsm7(offer)).toBe(true);
    const number = offer.split('\n').findIndex((line) => line.endsWith('. When a home carer does not turn up'));
    expect(number).toBeGreaterThan(0);
    expect(await phone.say(String(number))).toMatch(/Source: When a home carer does not turn up, reviewed/);
    await phone.say(question);
    // The request is committed and the promise given first; YES then takes the details onto it.
    expect(await phone.say('4')).toMatch(/^I have asked a care co-ordinator to (?:join this conversation|contact you) \(reference CP-[A-HJ-NP-Z2-9]{6}\)\.[^]*Reply YES to start\.$/);
    expect(await phone.say('YES')).toMatch(/about you, or about someone you care for\?\n1\. Me/);
  });
});

describe('repeated webhook deliveries', () => {
  it('answers a repeated MessageSid with the same reply and processes it once', async () => {
    const phone = newPhone();
    const sid = newMessageSid();
    const first = await phone.text('how do I get a repeat prescription?', { messageSid: sid });
    const again = await phone.text('how do I get a repeat prescription?', { messageSid: sid });
    expect(first.status).toBe(200);
    expect(again.twiml).toBe(first.twiml);
    expect(await count(world.db, `messages where conversation_id = $1 and direction = 'in'`, [`sms:${phone.number}`])).toBe(1);
    expect(await count(world.db, 'sms_inbound where message_sid = $1', [sid])).toBe(1);
  });

  it('answers two simultaneous deliveries of the same MessageSid alike, with one concern', async () => {
    const phone = newPhone();
    for (const says of ['hi', 'worried', '2', 'my mum', 'Ann Smith', 'Mary Smith', '02/02/1940', '11', '8',
      'Her new hearing aid has not arrived and the clinic has not replied', '3', '2', '1', '1']) {
      await phone.say(says);
    }
    const sid = newMessageSid();
    const [a, b] = await Promise.all([phone.text('yes', { messageSid: sid }), phone.text('yes', { messageSid: sid })]);
    expect(a.text).toMatch(/Your reference is CP-/);
    expect(b.twiml).toBe(a.twiml);
    expect(await concernRows(`sms:${phone.number}`)).toHaveLength(1);
    const duplicate = world.carepoint.logLines().filter((l) => l.event === 'sms-duplicate-delivery');
    expect(duplicate.at(-1)).toMatchObject({ answered: true });
    expect(await count(world.db, `messages where conversation_id = $1 and direction = 'in' and text = 'yes'`, [`sms:${phone.number}`])).toBe(1);
  });
});

describe('a delivery that died mid-turn', () => {
  it('is taken over by Twilio\'s next delivery of the MessageSid once its claim is stale, and answered', async () => {
    const phone = newPhone();
    const sid = newMessageSid();
    const claimedAt = new Date(Date.now() - 60_000); // longer ago than the 20 s lease
    await world.db.query(
      'insert into sms_inbound (message_sid, conversation_id, received_at, claimed_at) values ($1, $2, $3, $3)',
      [sid, `sms:${phone.number}`, claimedAt],
    );
    const answer = await phone.text('how do I get a repeat prescription?', { messageSid: sid });
    expect(answer.status).toBe(200);
    expect(answer.text).toMatch(/prescription/i);
    expect(await count(world.db, `messages where conversation_id = $1 and direction = 'in'`, [`sms:${phone.number}`])).toBe(1);
    const { rows } = await world.db.query<{ twiml: string | null }>('select twiml from sms_inbound where message_sid = $1', [sid]);
    expect(rows[0]!.twiml).toBe(answer.twiml);
    expect(world.carepoint.logLines().some((l) => l.event === 'sms-claim-taken-over')).toBe(true);
  });
});

describe('a delivery that died after its message was recorded', () => {
  it('is processed in full when the next delivery takes over, not dropped as a duplicate', async () => {
    const phone = newPhone();
    const sid = newMessageSid();
    const conversationId = `sms:${phone.number}`;
    const claimedAt = new Date(Date.now() - 60_000);
    await world.db.query(
      'insert into sms_inbound (message_sid, conversation_id, received_at, claimed_at) values ($1, $2, $3, $3)',
      [sid, conversationId, claimedAt],
    );
    // The first attempt got as far as recording the message, then the process died.
    await world.db.query(
      `insert into conversations (id, channel, requester_key) values ($1, 'sms', $2) on conflict do nothing`,
      [conversationId, conversationId],
    );
    await world.db.query(
      `insert into messages (conversation_id, direction, external_id, text) values ($1, 'in', $2, $3)`,
      [conversationId, sid, 'how do I get a repeat prescription?'],
    );
    const answer = await phone.text('how do I get a repeat prescription?', { messageSid: sid });
    expect(answer.text).toMatch(/prescription/i);
    expect(await count(world.db, `messages where conversation_id = $1 and direction = 'in'`, [conversationId])).toBe(1);
  });
});

describe('texts sent in a burst', () => {
  it('answers each of several texts that arrive at once, none with an error', async () => {
    const phone = newPhone();
    const answers = await Promise.all([phone.text('hello'), phone.text('how do I get a repeat prescription?'), phone.text('thanks')]);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.text).not.toBe('');
      expect(answer.text).not.toMatch(/something went wrong/);
    }
  });
});

describe('SMS keywords and message kinds', () => {
  it('HELP says what Carepoint is and how to get help', async () => {
    const reply = await newPhone().say('help');
    expect(reply).toMatch(/^Carepoint: .*999.*NHS 111/s);
    expect(reply).toMatch(/Reply STOP/);
  });

  it('a picture with no text gets a polite "I can only read text"', async () => {
    const answer = await newPhone().text('', { numMedia: 1 });
    expect(answer.text).toMatch(/I can only read text/);
  });

  it('puts the emergency instruction first, inside the first SMS segment', async () => {
    const phone = newPhone();
    await phone.say('hello');
    await phone.say('worried');
    const reply = await phone.say('I have crushing chest pain and I am sweating');
    expect(reply.slice(0, SMS_SEGMENT_LENGTH)).toMatch(/^Call 999 now\./);
    expect(isGsm7(reply)).toBe(true);
  });

  it('keeps every reply within 1,600 characters and in GSM-7', async () => {
    const phone = newPhone();
    await phone.say('hello');
    const answer = await phone.text('how do I get a repeat prescription?');
    const more = await phone.text('MORE');
    for (const message of [...answer.messages, ...more.messages]) {
      expect(message.length).toBeLessThanOrEqual(1600);
      expect(isGsm7(message)).toBe(true);
    }
    expect(answer.text).toMatch(/Reply MORE/);
  });

  it('never writes phone numbers or message text to the log', async () => {
    const text = world.carepoint.logText();
    expect(text).not.toMatch(/\+?447911\d{4,}/);
    expect(text).not.toContain('inhaler');
    expect(text).not.toContain('Jane Smith');
  });
});

describe('when storage is down', () => {
  it('still tells a person texting an emergency to call 999', async () => {
    const db = world.db as { query: (...args: unknown[]) => Promise<unknown>; transaction: (...args: unknown[]) => Promise<unknown> };
    const working = { query: db.query, transaction: db.transaction };
    db.query = db.transaction = async () => {
      throw new Error('connection terminated unexpectedly');
    };
    try {
      const reply = await newPhone().say('my husband has collapsed and is not breathing');
      expect(reply).toMatch(/^Call 999 now/);
      // Storage really was down for this turn: the claim, the record and the queue item all failed.
      const events = world.carepoint.logLines().map((l) => l.event);
      expect(events).toEqual(expect.arrayContaining(['sms-claim-failed', 'inbound-not-recorded', 'emergency-not-recorded']));
    } finally {
      Object.assign(db, working);
    }
  });
});

describe('STOP in the middle of a concern', () => {
  it('drops the half-finished concern, so after START the person starts afresh', async () => {
    const phone = newPhone();
    // "my dad" already says who it is about: the carer is asked their own name.
    expect(await phone.say("I'm worried about my dad")).toMatch(/what is your own name/);
    await phone.say('STOP');
    expect(await phone.say('START')).toMatch(/.+/);
    const next = await phone.say('how do I get a repeat prescription?');
    expect(next).not.toMatch(/Please choose one of the options/);
    expect(next).toMatch(/prescription/i);
  });
});
