import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTwilio } from '../support/fake-twilio.js';
import { TEST_DATABASE_URL } from '../support/postgres.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { SmsPhone } from '../support/sms-phone.js';
import { DEV_TOKEN } from '../support/start-carepoint.js';
import { useTwoInstances } from '../support/two-instances.js';
import { DirectLineClient } from '../webchat/support/direct-line-client.js';
import { concernOf, eventually, hearConcernChanges, queueApi } from './support.js';

/** Two Carepoint processes over one PostgreSQL database: the patient texts instance A, the co-ordinator works on B. */
describe.skipIf(!TEST_DATABASE_URL)('a live handoff across two server processes on PostgreSQL', () => {
  let twilio: FakeTwilio;
  // Started first, so that both processes are given its address; stopped after them.
  beforeAll(async () => {
    twilio = await new FakeTwilio().start();
    twilio.callbackDelayMs = 300; // as Twilio: delivery reports come after its answer
  });
  afterAll(async () => {
    await twilio?.stop();
  });
  const world = useTwoInstances(() => twilio.env());
  const { servers } = world;

  it('delivers the reply written on B to the patient on A, and the patient\'s answer reaches B live', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const phone = new SmsPhone(a.url, twilio, '+447911555123');
    const coordinator = queueApi(b.url, DEV_TOKEN);
    const texts = () => twilio.messages.filter((m) => m.to === phone.number).map((m) => m.body);
    const live = await hearConcernChanges(world.db);

    expect(await phone.say('speak to a human')).toMatch(/asked a care co-ordinator/);
    const { id: concernId } = await concernOf(world.db, `sms:${phone.number}`);
    expect((await coordinator.claim(concernId)).status).toBe(200);
    expect((await coordinator.reply(concernId, 'Hello, I am looking at your message now.')).status).toBe(202);
    await eventually(() => texts().length >= 3, 20_000, 'the notice and the reply on the phone');
    expect(texts()).toEqual([
      expect.stringMatching(/^Development from the co-ordination team is looking at your concern CP-[A-Z0-9]{6}\./),
      'You are now talking to Development, a care co-ordinator. If this becomes an emergency, call 999.',
      'Hello, I am looking at your message now.',
    ]);

    const heardBefore = live.heard.filter((id) => id === concernId).length;
    const answered = await phone.text('Thank you, I have the letter here now');
    expect(answered.messages, answered.text).toEqual([]);
    await eventually(() => live.heard.filter((id) => id === concernId).length > heardBefore, 10_000, 'a live event from A');
    const detail = await coordinator.detail(concernId);
    expect(detail.events.some((e: { kind: string; data: { text?: string } }) => e.kind === 'patient-message' && e.data.text === 'Thank you, I have the letter here now')).toBe(true);
    await eventually(async () => (await coordinator.detail(concernId)).replies.every((r: { status: string }) => r.status === 'delivered'), 20_000, 'delivered on both');

    expect((await coordinator.handBack(concernId)).status).toBe(200);
    await eventually(() => texts().length >= 4, 20_000, 'the hand-back notice');
    expect(texts()[3]).toMatch(/^Development has passed you back to Carepoint's assistant/);
    expect(await phone.say('how do I order a repeat prescription')).toMatch(/prescription/i);
    // Each message went out once, whichever instance's worker sent it.
    expect(new Set(texts()).size).toBe(texts().length);
    await live.stop();
  }, 120_000);

  it('carries on after the patient\'s instance is killed mid-handoff and started again', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const phone = () => new SmsPhone(servers[0]!.url, twilio, '+447911555456');
    const coordinator = queueApi(b.url, DEV_TOKEN);
    const texts = () => twilio.messages.filter((m) => m.to === '+447911555456').map((m) => m.body);
    expect(await phone().say('speak to a human')).toMatch(/asked a care co-ordinator/);
    const { id: concernId } = await concernOf(world.db, 'sms:+447911555456');
    await coordinator.claim(concernId);
    await coordinator.reply(concernId, 'Hello again.');
    await eventually(() => texts().length >= 3, 20_000, 'the handoff messages');

    a.child.kill('SIGKILL');
    await a.exited;
    servers[0] = await startServerProcess({ ...world.env, PORT: new URL(a.url).port });
    expect((await phone().text('Sorry, my phone died')).messages).toEqual([]);
    expect((await coordinator.detail(concernId)).events.some((e: { kind: string; data: { text?: string } }) => e.data.text === 'Sorry, my phone died')).toBe(true);
    await coordinator.reply(concernId, 'No problem, I am still here.');
    await eventually(() => texts().includes('No problem, I am still here.'), 20_000, 'the reply after the restart');
    expect(texts().filter((t) => t === 'Hello again.')).toHaveLength(1);
  }, 120_000);

  it('marks a web chat reply written on B delivered when the patient\'s client fetched it from A', async () => {
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const chat = new DirectLineClient(a.url);
    const coordinator = queueApi(b.url, DEV_TOKEN);
    await chat.start();
    await chat.post('speak to a human');
    await chat.pollAll();
    const { id: concernId } = await concernOf(world.db, chat.conversationId);
    await coordinator.claim(concernId);
    expect((await coordinator.reply(concernId, 'Hello from the care team.')).status).toBe(202);
    const statuses = async () => ((await coordinator.detail(concernId)).replies as { status: string }[]).map((r) => r.status);
    // The claim's message to the person, the handoff notice and the reply.
    await eventually(async () => (await statuses()).join() === 'sent,sent,sent', 20_000, 'all three in the activity log');
    expect((await chat.poll()).map((a) => a.text)).toContain('Hello from the care team.');
    expect(await statuses()).toEqual(['sent', 'sent', 'sent']);
    const live = await hearConcernChanges(world.db);
    await chat.poll();
    expect(await statuses()).toEqual(['delivered', 'delivered', 'delivered']);
    await eventually(() => live.heard.includes(concernId), 10_000, 'the console told');
    await live.stop();
  }, 60_000);
});
