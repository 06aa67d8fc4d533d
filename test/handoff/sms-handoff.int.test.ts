import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/postgres.js';
import { isGsm7 } from '../../src/knowledge/gsm7.js';
import { FakeTwilio } from '../support/fake-twilio.js';
import { SmsPhone } from '../support/sms-phone.js';
import { startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';
import { concernOf, coordinators, eventually, FAST, hearConcernChanges, queueApi } from './support.js';

let twilio: FakeTwilio;
let app: RunningCarepoint;
let numbers = 0;
const newPhone = () => new SmsPhone(app.url, twilio, `+4479111${String(23000 + numbers++).padStart(5, '0')}`);
const textsTo = (number: string) => twilio.messages.filter((m) => m.to === number).map((m) => m.body);

// On the embedded database and on a PostgreSQL server, where the holder row's lock separates real connections.
const ENGINES = [{ name: 'PGlite', postgres: false }, ...(TEST_DATABASE_URL ? [{ name: 'PostgreSQL', postgres: true }] : [])];

/** A patient who asked for a person, and Sam holding the concern in a live handoff. */
async function inHandoff() {
  const phone = newPhone();
  const sam = queueApi(app.url, 'sam');
  await phone.say('hello');
  expect(await phone.say('speak to a human')).toMatch(/asked a care co-ordinator/);
  const concern = await concernOf(app.carepoint.db, `sms:${phone.number}`);
  expect(concern.details.wantsAPerson).toBe(true);
  expect((await sam.claim(concern.id)).status).toBe(200);
  expect((await sam.reply(concern.id, 'Hello, I have your message about the inhaler. How are you feeling now?')).status).toBe(202);
  // Told who is looking at it first (src/patient-updates), then the handoff notice and the reply.
  await eventually(() => textsTo(phone.number).length >= 3, 10_000, 'the claimed message, the handoff notice and the reply');
  return { phone, sam, concernId: concern.id };
}

describe.each(ENGINES)('a live handoff over SMS ($name)', ({ postgres }) => {
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    twilio = await new FakeTwilio().start();
    twilio.callbackDelayMs = 300; // as Twilio: delivery reports come after its answer
    const database = postgres ? await createTestDatabase() : undefined;
    drop = database?.drop;
    app = await startCarepoint({ env: { ...twilio.env(), ...(database ? { DATABASE_URL: database.url } : {}) }, overrides: { ...FAST, coordinators } });
  });
  afterAll(async () => {
    await app?.stop();
    await twilio?.stop();
    await drop?.();
  });

  it('claim, reply reaches the phone, the answer reaches the co-ordinator, hand-back, and the assistant answers again', async () => {
    const live = await hearConcernChanges(app.carepoint.db);
    const { phone, sam, concernId } = await inHandoff();
    const [claimed, notice, reply] = textsTo(phone.number);
    expect(claimed).toMatch(/^Sam from the co-ordination team is looking at your concern CP-[A-Z0-9]{6}\./);
    expect(notice).toBe('You are now talking to Sam, a care co-ordinator. If this becomes an emergency, call 999.');
    expect(reply).toBe('Hello, I have your message about the inhaler. How are you feeling now?');
    expect(isGsm7(notice!)).toBe(true);

    // Twilio's status callbacks take each message to delivered.
    await eventually(async () => {
      const detail = await sam.detail(concernId);
      return detail.replies.length === 3 && detail.replies.every((r: { status: string }) => r.status === 'delivered');
    }, 10_000, 'replies delivered');

    // The patient's answer goes to Sam, not to the assistant: no reply in the TwiML.
    const heardBefore = live.heard.filter((id) => id === concernId).length;
    const answer = await phone.text('A bit better thanks, the new inhaler helps');
    expect(answer.messages).toEqual([]);
    const detail = await sam.detail(concernId);
    expect(detail.handoff).toMatchObject({ coordinator: { id: 'sam', name: 'Sam Jones' } });
    expect(detail.transcript.map((t: { text: string }) => t.text)).toContain('A bit better thanks, the new inhaler helps');
    expect(detail.events.filter((e: { kind: string }) => e.kind === 'patient-message').map((e: { data: { text: string } }) => e.data.text))
      .toEqual(['A bit better thanks, the new inhaler helps']);
    await eventually(() => live.heard.filter((id) => id === concernId).length > heardBefore, 5_000, 'a live event for the answer');

    expect((await sam.handBack(concernId)).status).toBe(200);
    const back = await eventually(() => textsTo(phone.number)[3], 10_000, 'the hand-back notice');
    expect(back).toMatch(/^Sam has passed you back to Carepoint's assistant\. Hello, I am Carepoint/);
    expect(isGsm7(back)).toBe(true);
    expect((await sam.detail(concernId)).handoff).toBeNull();
    expect(await phone.say('how do I order a repeat prescription')).toMatch(/prescription/i);
    await live.stop();
    // Nothing identifying in the logs: no number, no message text, no patient id.
    for (const secret of [phone.number, phone.number.slice(1), 'A bit better thanks', 'How are you feeling now']) expect(app.logText()).not.toContain(secret);
  });

  it('answers an emergency during a handoff with 999 at once, and the held concern becomes the emergency', async () => {
    const { phone, sam, concernId } = await inHandoff();
    const answer = await phone.say('my husband has crushing chest pain and cant breathe');
    expect(answer).toMatch(/^Call 999 now/);
    const detail = await sam.detail(concernId);
    expect(detail.concern.priority).toBe('emergency');
    expect(detail.concern.details.emergencyDuringHandoff).toBe(true);
    expect(detail.events.find((e: { kind: string }) => e.kind === 'patient-message')?.data.emergency).toBe(true);
    // The red flag joined the held concern: no second item for the conversation.
    const { rows } = await app.carepoint.db.query('select id from concerns where conversation_id = $1', [`sms:${phone.number}`]);
    expect(rows).toHaveLength(1);
    // Still Sam's conversation: the assistant stays silent on what follows.
    expect((await phone.text('I will wait for your call')).messages).toEqual([]);
  });

  it('handles a message racing a hand-back once: by the co-ordinator or by the assistant, never both', async () => {
    for (let round = 0; round < 3; round++) {
      const { phone, sam, concernId } = await inHandoff();
      const text = `what are the opening hours of the pharmacy ${round}`;
      const [answer, handedBack] = await Promise.all([phone.text(text), sam.handBack(concernId)]);
      expect(handedBack.status).toBe(200);
      const detail = await sam.detail(concernId);
      const toCoordinator = detail.events.filter((e: { kind: string; data: { text?: string } }) => e.kind === 'patient-message' && e.data.text === text).length;
      const byAssistant = answer.messages.length > 0 ? 1 : 0;
      expect(toCoordinator + byAssistant).toBe(1);
      const { rows } = await app.carepoint.db.query(`select 1 from messages where conversation_id = $1 and direction = 'in' and text = $2`, [`sms:${phone.number}`, text]);
      expect(rows).toHaveLength(1);
    }
  });

  it('shows a reply Twilio refuses for an opt-out it knows of (21610) as failed with the reason', async () => {
    const { phone, sam, concernId } = await inHandoff();
    twilio.optedOut.add(phone.number);
    expect((await sam.reply(concernId, 'Can you hear me?')).status).toBe(202);
    const failed = await eventually(async () => (await sam.detail(concernId)).replies.find((r: { text: string; status: string }) => r.text === 'Can you hear me?' && r.status === 'failed'), 10_000, 'failed reply');
    expect(failed.failureReason).toMatch(/^opted-out/);
  });

  it('shows a reply the outbox gave up on (a dead letter) as failed with the reason', async () => {
    const { sam, concernId } = await inHandoff();
    twilio.failNext(50);
    expect((await sam.reply(concernId, 'Twilio is down for this one')).status).toBe(202);
    const failed = await eventually(async () => (await sam.detail(concernId)).replies.find((r: { text: string; status: string }) => r.text === 'Twilio is down for this one' && r.status === 'failed'), 20_000, 'failed reply');
    expect(failed.failureReason).toMatch(/^send-failed/);
    twilio.failNext(0);
  });

  it('shows an opted-out number as failed with the reason, and sends nothing', async () => {
    const { phone, sam, concernId } = await inHandoff();
    await phone.say('STOP');
    const before = twilio.messages.length;
    expect((await sam.reply(concernId, 'Are you still there?')).status).toBe(202);
    const failed = await eventually(async () => (await sam.detail(concernId)).replies.find((r: { text: string; status: string }) => r.text === 'Are you still there?' && r.status === 'failed'), 10_000, 'failed reply');
    expect(failed.failureReason).toMatch(/^opted-out/);
    expect(twilio.messages.length).toBe(before);
  });

  it('"talk to someone" by text: the request is committed and answered with its promise, and YES takes the details onto it', async () => {
    const phone = newPhone();
    await phone.say('hello');
    const told = await phone.say('talk to someone');
    const reference = /^I have asked a care co-ordinator to (?:join this conversation|contact you) \(reference (CP-[A-HJ-NP-Z2-9]{6})\)\. /.exec(told)?.[1];
    expect(reference, told).toBeDefined();
    expect(told).toMatch(/999[^]*\n\nWhile you wait, I can take the details now, so that you do not have to tell them again\. Reply YES to start\.$/);
    expect(isGsm7(told)).toBe(true);
    const raised = await concernOf(app.carepoint.db, `sms:${phone.number}`);
    expect(raised).toMatchObject({ priority: 'soon', details: { wantsAPerson: true } });

    expect(await phone.say('YES')).toMatch(/about you, or about someone you care for/);
    for (const says of ['1', 'Jane Smith', '31/01/1950', 'COPD', '1', 'I have run out of my inhaler and the pharmacy has none left', '2', 'text message', '4', '1']) {
      await phone.say(says);
    }
    expect(await phone.say('yes')).toMatch(new RegExp(`^Thank you\\. I have added this to your request to talk to a care co-ordinator \\(reference ${reference}\\), so you will not need to tell them again\\.`));
    const { rows } = await app.carepoint.db.query<{ id: string; details: Record<string, unknown> }>(
      'select id, details from concerns where conversation_id = $1', [`sms:${phone.number}`],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(raised.id);
    expect(rows[0]!.details).toMatchObject({ wantsAPerson: true, name: 'Jane Smith', pathway: 'copd', phone: phone.number });
  });
});
