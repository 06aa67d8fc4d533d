import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEW_CONVERSATION_LIMIT } from '../../src/channels/bot-framework-route.js';
import { DEV_TOKEN_FAILURES } from '../../src/http/coordinator-auth.js';
import { recordEmergency } from '../../src/concerns/concern-queue.js';
import { BotClient } from '../../src/tools/bot-client.js';
import { closeServer, listenOnLoopback } from '../support/loopback-server.js';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/postgres.js';
import { DEV_TOKEN, startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';

const SMS_PATIENT = 'sms:+447700900111';

/** Development mode (no MicrosoftAppId): /api/messages is open, so what may a client do with it? */
describe('development mode is not an open door', () => {
  let carepoint: RunningCarepoint;
  let smsReference: string;

  beforeAll(async () => {
    // Loopback is the trusted proxy, so each test names its own client by X-Forwarded-For.
    carepoint = await startCarepoint({ env: { NODE_ENV: 'development', TRUSTED_PROXIES: '127.0.0.1,::1' } });
    const { item } = await recordEmergency(carepoint.carepoint.db, { now: () => new Date() }, {
      channel: 'sms', conversationId: SMS_PATIENT, requesterKey: SMS_PATIENT,
      flags: ['breathing'], advice: '999', entry: { direction: 'in', text: 'my husband cant breathe', at: new Date().toISOString() },
    });
    smsReference = item.reference;
  });
  afterAll(async () => {
    await carepoint?.stop();
  });

  const post = (activity: Record<string, unknown>, client = '198.51.100.20') =>
    fetch(`${carepoint.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
      body: JSON.stringify({
        type: 'message', id: `m-${Math.random()}`, channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9',
        from: { id: 'intruder' }, recipient: { id: 'carepoint' }, deliveryMode: 'expectReplies', ...activity,
      }),
    });
  const smsItem = async () =>
    (await carepoint.carepoint.db.query<{ transcript: unknown[]; reference: string }>(
      `select transcript, reference from concerns where conversation_id = $1`, [SMS_PATIENT])).rows;

  it('a Bot Framework client naming an SMS conversation id never reaches that patient\'s emergency or transcript', async () => {
    const response = await post({ text: 'my dad has collapsed and is not breathing', conversation: { id: SMS_PATIENT } });
    expect(response.status).toBe(200);
    const replies = JSON.stringify(await response.json());
    expect(replies).toMatch(/999/); // the emergency rule still fires for the person who wrote it
    expect(replies).not.toContain(smsReference);
    const [item, ...others] = await smsItem();
    expect(others).toEqual([]);
    expect(item!.transcript).toHaveLength(1); // nothing added to the SMS patient's item
    const { rows } = await carepoint.carepoint.db.query(`select 1 from messages where conversation_id = $1`, [SMS_PATIENT]);
    expect(rows).toEqual([]);
    // It is its own conversation, in the Bot Framework namespace.
    const own = await carepoint.carepoint.db.query<{ conversation_id: string }>(
      `select conversation_id from concerns where conversation_id like 'bf:%sms:%'`);
    expect(own.rows.map((r) => r.conversation_id)).toEqual([`bf:emulator:${SMS_PATIENT}`]);
  });

  it('a client claiming the web chat channel and a local conversation id gets its own state and queue key', async () => {
    const response = await post({ channelId: 'webchat', text: 'hello', conversation: { id: 'dl_someone' } });
    expect(response.status).toBe(200);
    const { rows } = await carepoint.carepoint.db.query<{ key: string }>(`select key from bot_state where key like '%dl_someone%'`);
    expect(rows.map((r) => r.key)).toEqual(['webchat/conversations/bf:webchat:dl_someone/']);
  });

  it('posts replies to no client-supplied serviceUrl but a loopback one (no server-side request forgery)', async () => {
    let reached = 0;
    const { server, url } = await listenOnLoopback((req, res) => {
      req.resume();
      req.on('end', () => {
        reached++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: `reply-${reached}` }));
      });
    });
    try {
      for (const serviceUrl of ['http://203.0.113.5:8080', 'https://example.com/', 'http://127.0.0.1.nip.io:9', 'file:///etc/passwd', 42]) {
        const response = await post({ text: 'hello', conversation: { id: 'ssrf-1' }, serviceUrl, deliveryMode: undefined });
        expect(response.status, String(serviceUrl)).toBe(400);
      }
      const { rows } = await carepoint.carepoint.db.query(`select 1 from conversations where id = 'bf:emulator:ssrf-1'`);
      expect(rows).toEqual([]);
      // A loopback service (the Emulator) is still answered.
      const ok = await post({ text: 'hello', conversation: { id: 'ssrf-2' }, serviceUrl: url, deliveryMode: undefined });
      expect(ok.status).toBe(200);
      await expect.poll(() => reached).toBeGreaterThan(0);
    } finally {
      await closeServer(server);
    }
  });

  it('limits the new conversations one client address may start, not another client\'s', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < NEW_CONVERSATION_LIMIT.burst + 2; i++) {
      statuses.push((await post({ type: 'conversationUpdate', membersAdded: [{ id: 'x' }], conversation: { id: `flood-${i}` } }, '198.51.100.66')).status);
    }
    expect(statuses.slice(0, NEW_CONVERSATION_LIMIT.burst).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(-2)).toEqual([429, 429]);
    // A conversation it already has carries on; another client starts its own.
    expect((await post({ text: 'hello', conversation: { id: 'flood-0' } }, '198.51.100.66')).status).toBe(200);
    expect((await post({ text: 'hello', conversation: { id: 'elsewhere-1' } }, '198.51.100.67')).status).toBe(200);
  });

  it('the dev token locks out a client address after repeated wrong tokens, even with the right one', async () => {
    const ask = (token: string, client: string) =>
      fetch(`${carepoint.url}/api/queue`, { headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': client } });
    expect((await ask(DEV_TOKEN, '198.51.100.30')).status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < DEV_TOKEN_FAILURES.burst + 1; i++) statuses.push((await ask(`wrong-${i}-0123456789abcdef`, '198.51.100.30')).status);
    expect(statuses.slice(0, DEV_TOKEN_FAILURES.burst).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    const locked = await ask(DEV_TOKEN, '198.51.100.30');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('60');
    expect((await ask(DEV_TOKEN, '198.51.100.31')).status).toBe(200);
  });

  it('pages the queue with an opaque cursor and counts by priority and status', async () => {
    const headers = { authorization: `Bearer ${DEV_TOKEN}` };
    const first = (await (await fetch(`${carepoint.url}/api/queue?limit=1`, { headers })).json()) as Record<string, unknown>;
    expect(first).toMatchObject({ items: [expect.any(Object)], nextCursor: expect.any(String), counts: { byPriority: expect.any(Object), byStatus: expect.any(Object), heldBack: 0 } });
    const second = (await (await fetch(`${carepoint.url}/api/queue?limit=1&cursor=${first.nextCursor as string}`, { headers })).json()) as { items: { id: string }[] };
    expect(second.items[0]!.id).not.toBe((first.items as { id: string }[])[0]!.id);
    expect((await fetch(`${carepoint.url}/api/queue?cursor=garbage`, { headers })).status).toBe(400);
    const all = (await (await fetch(`${carepoint.url}/api/queue`, { headers })).json()) as Record<string, unknown>;
    expect(all.nextCursor).toBeUndefined();
  });
});

describe.skipIf(!TEST_DATABASE_URL)('per-source limits across instances (two Carepoints over one PostgreSQL server)', () => {
  it('a client locked out of the dev token on one instance is locked out on the other', async () => {
    const { url, drop } = await createTestDatabase();
    const env = { DATABASE_URL: url, TRUSTED_PROXIES: '127.0.0.1', LOG_HASH_SECRET: 'shared-secret-for-both-instances' };
    const a = await startCarepoint({ env });
    const b = await startCarepoint({ env });
    try {
      const ask = (at: RunningCarepoint, token: string) =>
        fetch(`${at.url}/api/queue`, { headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': '198.51.100.40' } });
      for (let i = 0; i < DEV_TOKEN_FAILURES.burst; i++) expect((await ask(i % 2 ? a : b, `wrong-${i}-0123456789abcdef`)).status).toBe(401);
      expect((await ask(a, DEV_TOKEN)).status).toBe(429);
      expect((await ask(b, DEV_TOKEN)).status).toBe(429);
    } finally {
      await a.stop();
      await b.stop();
      await drop();
    }
  });
});

describe('start-up on a network address in development mode', () => {
  it('is refused with a configuration error naming HOST and NODE_ENV', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: { PATH: process.env.PATH, HOST: '0.0.0.0', PORT: '0', DATA_DIR: '/nonexistent-never-opened' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr!.on('data', (c) => (output += c));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toMatch(/Configuration error: HOST: must be a loopback address .*NODE_ENV is development/);
  }, 90_000); // a process of its own: tsx compiles the entry point first, slow on a loaded machine
});
