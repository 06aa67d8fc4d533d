import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleDelivery } from '../../src/handoff/sql/outbound.js';
import { FakeTwilio } from '../support/fake-twilio.js';
import { SmsPhone } from '../support/sms-phone.js';
import { startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';
import { BotClient } from '../../src/tools/bot-client.js';
import { concernOf, coordinators, eventually, FAST, queueApi, startLocalConnector } from '../handoff/support.js';

let twilio: FakeTwilio;
let connector: Awaited<ReturnType<typeof startLocalConnector>>;
let app: RunningCarepoint;

beforeAll(async () => {
  [twilio, connector] = await Promise.all([new FakeTwilio().start(), startLocalConnector()]);
  twilio.callbackDelayMs = 300; // as Twilio: delivery reports come after its answer
  app = await startCarepoint({ env: twilio.env(), overrides: { ...FAST, coordinators } });
});
afterAll(async () => {
  await app?.stop();
  await Promise.all([twilio?.stop(), connector?.stop()]);
});

const outboxRows = async (key: string) =>
  (await app.carepoint.db.query<{ body: string }>('select body from sms_outbox where delivery_key = $1', [key])).rows;

describe('the delivery port', () => {
  it('picks the channel from the stored conversation, and turns text into GSM-7 for SMS', async () => {
    const phone = new SmsPhone(app.url, twilio, '+447911300001');
    await phone.say('hello');
    const result = await app.carepoint.delivery.deliver(`sms:${phone.number}`, 'Your appointment is on Tuesday \u2013 bring your \u201cblue book\u201d.', { key: 'test:gsm' });
    expect(result).toEqual({ status: 'queued' });
    expect((await outboxRows('test:gsm'))[0]!.body).toBe('Your appointment is on Tuesday - bring your "blue book".');
    expect(await app.carepoint.delivery.deliver('bf:emulator:never-seen', 'Hello')).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^no-conversation/) });
  });

  it('delivers once per key: a second call returns the first result and sends nothing', async () => {
    const phone = new SmsPhone(app.url, twilio, '+447911300002');
    await phone.say('hello');
    const first = await app.carepoint.delivery.deliver(`sms:${phone.number}`, 'Once only', { key: 'test:once' });
    const again = await app.carepoint.delivery.deliver(`sms:${phone.number}`, 'Once only', { key: 'test:once' });
    expect(again).toEqual(first);
    expect(await outboxRows('test:once')).toHaveLength(1);
  });

  it('never repeats a Bot Framework send that a crash cut off: it is reported as failed, unknown', async () => {
    const conversationId = 'bf-cut-off';
    await new BotClient(app.url, { conversationId, userId: 'u-cut-off' }).send('hello', { serviceUrl: connector.url });
    await app.carepoint.db.query(`insert into delivery_attempts (key, conversation_id, route, status) values ('test:cut-off', $1, 'bot-framework', 'sending')`, [`bf:emulator:${conversationId}`]);
    const result = await app.carepoint.delivery.deliver(`bf:emulator:${conversationId}`, 'Are you there?', { key: 'test:cut-off' });
    expect(result).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^delivery-unknown/) });
    expect(connector.texts(conversationId)).toEqual([]);
  });

  it('a delivery job run again after a crash between sending and recording settles the reply without sending it twice', async () => {
    const phone = new SmsPhone(app.url, twilio, '+447911300003');
    await phone.say('speak to a human');
    const { id: concernId } = await concernOf(app.carepoint.db, `sms:${phone.number}`);
    const sam = queueApi(app.url, 'sam');
    await sam.claim(concernId);
    await sam.reply(concernId, 'First reply');
    await eventually(async () => (await sam.detail(concernId)).replies.every((r: { status: string }) => r.status === 'delivered'), 10_000, 'first replies delivered');
    // The crash: a reply's delivery went to the outbox, then the process died before the reply was marked.
    const { rows } = await app.carepoint.db.query<{ id: string }>(
      `insert into outbound_messages (concern_id, conversation_id, channel, text, author_id, status, sending_until)
       values ($1, $2, 'sms', 'Second reply', 'sam', 'sending', now() - interval '1 second') returning id`,
      [concernId, `sms:${phone.number}`],
    );
    const id = String(rows[0]!.id);
    await app.carepoint.delivery.deliver(`sms:${phone.number}`, 'Second reply', { key: `outbound:${id}`, concernId });
    await app.carepoint.db.transaction((tx) => scheduleDelivery(tx, `sms:${phone.number}`));
    await eventually(async () => (await sam.detail(concernId)).replies.find((r: { id: string; status: string }) => r.id === id && r.status === 'delivered'), 10_000, 'the second reply delivered');
    expect(await outboxRows(`outbound:${id}`)).toHaveLength(1);
    expect(twilio.messages.filter((m) => m.to === phone.number && m.body === 'Second reply')).toHaveLength(1);
  });
});
