import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTwilio } from '../support/fake-twilio.js';
import { SmsPhone } from '../support/sms-phone.js';
import { startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';
import { concernOf, coordinators, eventually, FAST, queueApi } from './support.js';

let twilio: FakeTwilio;
let app: RunningCarepoint;
let numbers = 0;

beforeAll(async () => {
  twilio = await new FakeTwilio().start();
  twilio.callbackDelayMs = 300; // as Twilio: delivery reports come after its answer
  // A three-second claim lease, so that running out is quick to see.
  app = await startCarepoint({ env: { ...twilio.env(), CLAIM_LEASE_MINUTES: String(3 / 60) }, overrides: { ...FAST, coordinators } });
});
afterAll(async () => {
  await app?.stop();
  await twilio?.stop();
});

async function inHandoff() {
  const phone = new SmsPhone(app.url, twilio, `+4479111${String(44000 + numbers++)}`);
  const sam = queueApi(app.url, 'sam');
  await phone.say('speak to a human');
  const { id } = await concernOf(app.carepoint.db, `sms:${phone.number}`);
  expect((await sam.claim(id)).status).toBe(200);
  expect((await sam.reply(id, 'Hello from Sam.')).status).toBe(202);
  const texts = () => twilio.messages.filter((m) => m.to === phone.number).map((m) => m.body);
  // Told who is looking at it (src/patient-updates), then the handoff's notice and the reply.
  await eventually(() => texts().length >= 3, 10_000, 'the handoff messages');
  expect(texts()[0]).toMatch(/^Sam from the co-ordination team is looking at your concern CP-/);
  return { phone, sam, concernId: id, texts };
}

describe('how a live handoff ends', () => {
  it('ends when the claim runs out: the person is told, and the assistant answers again', async () => {
    const { phone, sam, concernId, texts } = await inHandoff();
    const ended = await eventually(() => texts()[3], 15_000, 'the lease-expired notice');
    expect(ended).toMatch(/^The care co-ordinator is no longer in this conversation\. Hello, I am Carepoint/);
    const detail = await queueApi(app.url, 'alex').detail(concernId);
    expect(detail.handoff).toBeNull();
    expect(detail.events.find((e: { kind: string }) => e.kind === 'handoff-ended').data).toEqual({ reason: 'lease-expired' });
    expect(await phone.say('how do I order a repeat prescription')).toMatch(/prescription/i);
    // Sam no longer holds it, so cannot reply into the conversation.
    expect((await sam.reply(concernId, 'Still there?')).status).toBe(409);
    // A colleague picks it up: a new handoff, with its own notice.
    const alex = queueApi(app.url, 'alex');
    expect((await alex.claim(concernId)).status).toBe(200);
    expect((await alex.reply(concernId, 'Hello, Alex here.')).status).toBe(202);
    await eventually(() => texts().includes('Hello, Alex here.'), 10_000, "Alex's reply");
    expect(texts().filter((t) => t.startsWith('You are now talking to'))).toEqual([
      'You are now talking to Sam, a care co-ordinator. If this becomes an emergency, call 999.',
      'You are now talking to Alex, a care co-ordinator. If this becomes an emergency, call 999.',
    ]);
  });

  it('starts the dialogs afresh after a hand-back: a question from before the handoff is no longer pending', async () => {
    const phone = new SmsPhone(app.url, twilio, '+447911188888');
    const sam = queueApi(app.url, 'sam');
    await phone.say('speak to a human');
    expect(await phone.say("I'm worried about my mum")).toMatch(/what is your own name/);
    const { id } = await concernOf(app.carepoint.db, `sms:${phone.number}`);
    await sam.claim(id);
    await sam.reply(id, 'Hello, Sam here.');
    expect((await sam.handBack(id)).status).toBe(200);
    const texts = () => twilio.messages.filter((m) => m.to === phone.number).map((m) => m.body);
    await eventually(() => texts().length >= 4, 10_000, 'the hand-back notice');
    expect(await phone.say('how do I order a repeat prescription')).toMatch(/prescription/i);
  });

  it('ends when the concern is resolved', async () => {
    const { sam, concernId, texts } = await inHandoff();
    expect((await sam.resolve(concernId)).status).toBe(200);
    expect(await eventually(() => texts()[3], 10_000, 'the resolved notice')).toMatch(/^Sam has finished and closed this concern\./);
    // Then the outcome in plain words, and the feedback question (src/patient-updates).
    expect(await eventually(() => texts()[4], 10_000, 'the resolved message')).toMatch(/^Your concern CP-[A-Z0-9]{6} is now closed: a care co-ordinator has given advice about it\./);
  });

  it('refuses a reply from anyone but the claim holder, and a hand-back with no handoff', async () => {
    const phone = new SmsPhone(app.url, twilio, '+447911199999');
    await phone.say('speak to a human');
    const { id } = await concernOf(app.carepoint.db, `sms:${phone.number}`);
    const [sam, alex] = [queueApi(app.url, 'sam'), queueApi(app.url, 'alex')];
    expect(await sam.reply(id, 'Hello')).toMatchObject({ status: 409, body: { error: 'cannot reply: claim the concern first' } });
    await sam.claim(id);
    expect(await alex.reply(id, 'Hello')).toMatchObject({ status: 409, body: { error: 'cannot reply: claimed by Sam Jones' } });
    expect(await sam.handBack(id)).toMatchObject({ status: 409, body: { error: 'cannot hand back: no live conversation in progress' } });
  });
});
