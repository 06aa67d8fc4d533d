import { afterEach, describe, expect, it } from 'vitest';
import { enqueueSms, type OutboxItem } from '../../../src/channels/sms/outbox.js';
import { systemClock } from '../../../src/clock.js';
import type { Database } from '../../../src/db/database.js';
import { FakeTwilio } from '../../support/fake-twilio.js';
import { eventually } from '../../support/sms-phone.js';
import { DEV_TOKEN } from '../../support/start-carepoint.js';
import { startSmsWorld, type SmsWorld } from './sms-setup.js';

const PATIENT = '+447911123456';
const worlds: SmsWorld[] = [];

async function start(options: Parameters<typeof startSmsWorld>[0] = {}): Promise<SmsWorld> {
  const world = await startSmsWorld(options);
  worlds.push(world);
  return world;
}

afterEach(async () => {
  for (const world of worlds.splice(0)) await world.stop().catch(() => undefined);
});

async function outboxRow(db: Database, id: string) {
  const { rows } = await db.query<{ status: string; attempts: number; twilio_sid: string | null; delivery_status: string | null; contact_problem: string | null }>(
    'select status, attempts, twilio_sid, delivery_status, contact_problem from sms_outbox where id = $1',
    [id],
  );
  return rows[0]!;
}

async function concernFor(db: Database, phone: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `insert into concerns (reference, priority, channel, conversation_id, requester_key, summary)
     values ('CP-' || upper(substr(md5(random()::text), 1, 6)), 'routine', 'sms', $1, $1, 'Medicines - COPD - Patient: test') returning id`,
    [`sms:${phone}`],
  );
  return rows[0]!.id;
}

/** The concern as the queue shows it (its contact problem is a column of its own now). */
async function queueDetails(world: SmsWorld, concernId: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${world.carepoint.url}/api/queue`, { headers: { authorization: `Bearer ${DEV_TOKEN}` } });
  const { items } = (await response.json()) as { items: Record<string, unknown>[] };
  return items.find((i) => i.id === concernId)!;
}

const message = (world: SmsWorld, text: string, extra: Partial<Parameters<typeof enqueueSms>[2]> = {}): Promise<OutboxItem[]> =>
  enqueueSms(world.db, systemClock, { phone: PATIENT, text, purpose: 'coordinator-message', conversationId: `sms:${PATIENT}`, ...extra });

describe('SMS outbox', () => {
  it('sends a co-ordinator message once, in GSM-7, and records the signed delivery status callbacks', async () => {
    const world = await start();
    const [item] = await message(world, 'Hello \u201cJane\u201d \u2013 your **new** appointment is on Monday.');
    await eventually(async () => (await outboxRow(world.db, item!.id)).delivery_status === 'delivered', 10_000, 'delivered');
    expect(world.twilio.messages).toHaveLength(1);
    expect(world.twilio.messages[0]).toMatchObject({
      to: PATIENT, from: world.twilio.phoneNumber, body: 'Hello "Jane" - your new appointment is on Monday.',
      statusCallback: `${world.carepoint.url}/api/sms/status`,
    });
    expect(await outboxRow(world.db, item!.id)).toMatchObject({ status: 'sent', attempts: 1, twilio_sid: world.twilio.messages[0]!.sid });
    await eventually(() => world.twilio.callbacks.length === 2, 5_000, 'both callbacks answered');
    expect(world.twilio.callbacks.map((c) => [c.status, c.httpStatus])).toEqual([['sent', 204], ['delivered', 204]]);
    const logs = world.carepoint.logText();
    expect(logs).not.toContain('7911123456');
    expect(logs).not.toContain('appointment is on Monday');
  });

  it('loses nothing while Twilio answers 500, retries with back-off, and sends once', async () => {
    const world = await start();
    world.twilio.failNext(3);
    const [item] = await message(world, 'Your repeat prescription is ready to collect.');
    await eventually(async () => (await outboxRow(world.db, item!.id)).status === 'sent', 15_000, 'sent after retries');
    expect(world.twilio.requests.map((r) => r.status)).toEqual([500, 500, 500, 201]);
    expect(world.twilio.messages.filter((m) => m.body.startsWith('Your repeat prescription'))).toHaveLength(1);
    expect(await outboxRow(world.db, item!.id)).toMatchObject({ attempts: 4, contact_problem: null });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(world.twilio.messages).toHaveLength(1);
  });

  it('sends what was left in the outbox at a stop once, after a restart on the same DATA_DIR', async () => {
    const twilio = await new FakeTwilio().start();
    const first = await start({ twilio });
    twilio.failNext(1_000);
    const items = [
      ...(await message(first, 'First message from your co-ordinator.')),
      ...(await message(first, 'Second message from your co-ordinator.')),
    ];
    await eventually(() => twilio.requests.length >= 2, 10_000, 'attempts against a failing Twilio');
    await first.carepoint.stop();
    expect(twilio.messages).toHaveLength(0);

    twilio.failNext(0);
    const second = await start({ twilio, dataDir: first.carepoint.dataDir });
    await eventually(
      async () => (await Promise.all(items.map((i) => outboxRow(second.db, i.id)))).every((r) => r.status === 'sent'),
      15_000,
      'sent after restart',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(twilio.messages.map((m) => m.body).sort()).toEqual(['First message from your co-ordinator.', 'Second message from your co-ordinator.']);
  });

  it('does not resend a message interrupted mid-send: it is marked unknown and the concern flagged (at most once)', async () => {
    const twilio = await new FakeTwilio().start();
    const first = await start({ twilio });
    await first.carepoint.stop();
    // What a crash between Twilio's answer and recording it leaves behind, written straight to storage.
    const reopened = await start({ twilio, dataDir: first.carepoint.dataDir, env: { TWILIO_ACCOUNT_SID: '' } });
    const concernId = await concernFor(reopened.db, PATIENT);
    const [item] = await message(reopened, 'Your appointment has moved to Tuesday.', { concernId });
    await reopened.db.query(`update sms_outbox set status = 'sending', claimed_at = now() - interval '1 hour', attempts = 1 where id = $1`, [item!.id]);
    await reopened.carepoint.stop();

    const restarted = await start({ twilio, dataDir: first.carepoint.dataDir });
    await eventually(async () => (await outboxRow(restarted.db, item!.id)).status === 'unknown', 10_000, 'unknown');
    expect(await outboxRow(restarted.db, item!.id)).toMatchObject({ contact_problem: 'delivery-unknown' });
    expect((await queueDetails(restarted, concernId)).contactProblem).toMatchObject({ problem: 'delivery-unknown', channel: 'sms' });
    expect(twilio.messages).toHaveLength(0);
  }, 60_000); // three server starts on one data directory
});

describe('SMS opt-out and opt-in', () => {
  it('after STOP sends no proactive SMS, records it, and flags the concern; START re-enables', async () => {
    const world = await start();
    const phone = world.phone(PATIENT);
    const concernId = await concernFor(world.db, PATIENT);

    const stop = await phone.text('stop');
    expect(stop.status).toBe(200);
    expect(stop.messages).toEqual([]);
    const { rows } = await world.db.query('select opted_out, source from sms_opt_outs where phone = $1', [PATIENT]);
    expect(rows).toEqual([{ opted_out: true, source: 'keyword' }]);

    const [skipped] = await message(world, 'A co-ordinator tried to reach you.', { concernId });
    expect(skipped).toMatchObject({ status: 'skipped', contactProblem: 'opted-out' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(world.twilio.messages).toHaveLength(0);
    expect((await queueDetails(world, concernId)).contactProblem).toMatchObject({ problem: 'opted-out', outboxId: skipped!.id });

    expect(await phone.say('START')).toMatch(/Texts from Carepoint are back on/);
    const [sent] = await message(world, 'A co-ordinator will call you this afternoon.', { concernId });
    await eventually(async () => (await outboxRow(world.db, sent!.id)).status === 'sent', 10_000, 'sent after START');
    expect(world.twilio.messages.map((m) => m.body)).toEqual(['A co-ordinator will call you this afternoon.']);
  });

  it('skips a message already waiting when the number opts out before it goes', async () => {
    const world = await start({ env: { TWILIO_ACCOUNT_SID: '' } }); // not sending yet
    const [item] = await message(world, 'Waiting message.');
    await world.phone(PATIENT).text('UNSUBSCRIBE');
    await world.carepoint.stop();
    const restarted = await start({ twilio: world.twilio, dataDir: world.carepoint.dataDir });
    await eventually(async () => (await outboxRow(restarted.db, item!.id)).status === 'skipped', 10_000, 'skipped');
    expect(world.twilio.messages).toHaveLength(0);
  });

  it('on Twilio error 21610 does not retry, records the opt-out and flags the concern in the queue', async () => {
    const world = await start();
    world.twilio.optedOut.add(PATIENT);
    const concernId = await concernFor(world.db, PATIENT);
    const [item] = await message(world, 'Your test results are back.', { concernId });
    await eventually(async () => (await outboxRow(world.db, item!.id)).status === 'failed', 10_000, 'failed');
    expect(await outboxRow(world.db, item!.id)).toMatchObject({ attempts: 1, contact_problem: 'opted-out' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(world.twilio.requests).toHaveLength(1);
    const { rows } = await world.db.query('select opted_out, source from sms_opt_outs where phone = $1', [PATIENT]);
    expect(rows).toEqual([{ opted_out: true, source: 'twilio-21610' }]);
    expect((await queueDetails(world, concernId)).contactProblem).toMatchObject({
      problem: 'opted-out', channel: 'sms', advice: expect.stringMatching(/another contact route/),
    });
  });

  it('makes an SMS that fails every retry a dead letter: on the concern, as a concern event, and one alert line without number or text', async () => {
    const world = await start();
    world.twilio.failNext(1_000);
    const concernId = await concernFor(world.db, PATIENT);
    const [item] = await message(world, 'Your appointment has moved to Friday.', { concernId });
    await eventually(async () => (await outboxRow(world.db, item!.id)).status === 'failed', 20_000, 'given up on');
    expect((await outboxRow(world.db, item!.id)).attempts).toBe(8);
    const letters = await world.db.query<{ id: string; channel: string; purpose: string; concern_id: string; attempts: number }>(
      'select id, channel, purpose, concern_id, attempts from dead_letters where source_id = $1', [item!.id],
    );
    expect(letters.rows).toEqual([{ id: expect.anything(), channel: 'sms', purpose: 'coordinator-message', concern_id: concernId, attempts: 8 }]);
    const events = await world.db.query<{ kind: string; data: Record<string, unknown> }>(`select kind, data from concern_events where concern_id = $1 and kind = 'dead-letter'`, [concernId]);
    expect(events.rows).toEqual([{ kind: 'dead-letter', data: { deadLetterId: Number(letters.rows[0]!.id), channel: 'sms', purpose: 'coordinator-message' } }]);
    expect((await queueDetails(world, concernId)).contactProblem).toMatchObject({
      problem: 'send-failed', channel: 'sms', deadLetterId: String(letters.rows[0]!.id),
    });
    const alerts = world.carepoint.logLines().filter((l) => l.event === 'sms-dead-letter');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ level: 50, purpose: 'coordinator-message', concernId, attempts: 8 });
    const alertText = JSON.stringify(alerts[0]);
    expect(alertText).not.toContain(PATIENT.slice(1));
    expect(alertText).not.toContain('Friday');
  }, 60_000);
});
