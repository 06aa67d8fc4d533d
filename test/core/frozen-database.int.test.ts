import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotClient } from '../../src/tools/bot-client.js';
import { FakeTwilio } from '../support/fake-twilio.js';
import { canRunOwnPostgres, startOwnPostgres, type OwnPostgres } from '../support/own-postgres.js';
import { SmsPhone } from '../support/sms-phone.js';
import { DEV_TOKEN, startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';

const describeFrozen = canRunOwnPostgres ? describe : describe.skip;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

describeFrozen('a PostgreSQL server that freezes (SIGSTOP on all its processes), then continues', () => {
  let pg: OwnPostgres;
  let twilio: FakeTwilio;
  let world: RunningCarepoint;

  beforeAll(async () => {
    pg = await startOwnPostgres();
    twilio = await new FakeTwilio().start();
    world = await startCarepoint({
      env: { ...twilio.env(), DATABASE_URL: pg.url, DATABASE_QUERY_TIMEOUT_MS: '3000', DATABASE_CONNECT_TIMEOUT_MS: '3000' },
      overrides: { spool: { retryMs: 200 } },
    });
  }, 120_000);
  afterAll(async () => {
    pg?.thaw();
    await world?.stop();
    await twilio?.stop();
    pg?.stop();
  }, 60_000);

  it('answers emergencies with 999 at once on every channel, /readyz in time, and records them all once it is back', async () => {
    const chat = new BotClient(world.url);
    const phone = new SmsPhone(world.url, twilio, '+447911123456');
    expect(await chat.say('hello')).toMatch(/Carepoint/);
    expect(await phone.say('hello')).toMatch(/Carepoint/);

    pg.freeze();
    let chatTurn, smsTurn, ordinary, ready;
    try {
      chatTurn = await timed(() => chat.send('my dad has crushing chest pain and cannot breathe'));
      smsTurn = await timed(() => phone.text('she has collapsed and is not breathing'));
      ordinary = await timed(() => chat.say('how do i get a repeat prescription'));
      ready = await timed(() => fetch(`${world.url}/readyz`));
    } finally {
      pg.thaw();
    }
    const thawed = Date.now();
    console.log(`frozen database: 999 reply on /api/messages in ${chatTurn.ms} ms, on SMS in ${smsTurn.ms} ms; ` +
      `an ordinary message answered in ${ordinary.ms} ms; /readyz in ${ready.ms} ms`);

    expect(chatTurn.value[0]?.text).toMatch(/^Call 999 now/);
    expect(chatTurn.ms).toBeLessThan(5_000);
    expect(smsTurn.value.status).toBe(200);
    expect(smsTurn.value.messages[0]).toMatch(/^Call 999 now/);
    expect(smsTurn.ms).toBeLessThan(10_000);
    expect(ordinary.value).toMatch(/something went wrong on our side.*999/);
    expect(ordinary.ms).toBeLessThan(10_000);
    expect(ready.value.status).toBe(503);
    expect(ready.ms).toBeLessThan(4_000);
    expect(((await ready.value.json()) as { emergencySpool: number }).emergencySpool).toBe(2);

    // Storage is back: the spool is replayed, and both emergencies are in the queue with their messages.
    let depth = -1;
    while (Date.now() - thawed < 30_000) {
      const body = (await (await fetch(`${world.url}/readyz`)).json()) as { emergencySpool: number };
      depth = body.emergencySpool;
      if (depth === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    console.log(`spool replayed ${Date.now() - thawed} ms after the database continued`);
    expect(depth).toBe(0);
    const queue = await fetch(`${world.url}/api/queue`, { headers: { authorization: `Bearer ${DEV_TOKEN}` } });
    const { items } = (await queue.json()) as { items: { priority: string; conversationId: string; transcript: { text: string }[] }[] };
    const emergencies = items.filter((i) => i.priority === 'emergency');
    expect(emergencies.map((i) => i.conversationId).sort()).toEqual([`bf:emulator:${chat.conversationId}`, 'sms:+447911123456'].sort());
    for (const item of emergencies) expect(item.transcript).toHaveLength(1);
    const { rows } = await world.carepoint.db.query<{ n: number }>(
      "select count(*)::int as n from messages where direction = 'in' and text in ($1, $2)",
      ['my dad has crushing chest pain and cannot breathe', 'she has collapsed and is not breathing'],
    );
    expect(rows[0]!.n).toBe(2);
  }, 120_000);
});
