import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { BotClient } from '../../src/tools/bot-client.js';
import { closeServer, listenOnLoopback } from '../support/loopback-server.js';
import { startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';

/** A stand-in for a Bot Framework channel's service URL, as the Emulator runs one: it receives the bot's replies. */
async function startChannelService() {
  const received: { path: string; activity: { text?: string; replyToId?: string } }[] = [];
  const { server, url } = await listenOnLoopback((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', activity: JSON.parse(body || '{}') });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `reply-${received.length}` }));
    });
  });
  return { url, received, close: () => closeServer(server) };
}

describe('as the Bot Framework Emulator talks to it (replies POSTed to the service URL)', () => {
  let carepoint: RunningCarepoint;
  beforeAll(async () => {
    carepoint = await startCarepoint();
  });
  afterAll(async () => carepoint.stop());

  it('sends the replies to the conversation on the channel service', async () => {
    const channel = await startChannelService();
    try {
      const response = await fetch(`${carepoint.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message', id: 'emulator-1', text: 'how do i order a repeat prescription', channelId: 'emulator',
          serviceUrl: channel.url, from: { id: 'emulator-user' }, recipient: { id: 'carepoint' }, conversation: { id: 'emu-conv-1' },
        }),
      });
      expect(response.status).toBe(200);
      const texts = channel.received.map((r) => r.activity.text ?? '');
      expect(texts[0]).toMatch(/not for emergencies/);
      expect(texts[1]).toMatch(/Source: /);
      for (const r of channel.received) expect(r.path).toBe('/v3/conversations/emu-conv-1/activities/emulator-1');
    } finally {
      await channel.close();
    }
  });

  it('sends each turn\'s replies to that turn\'s own service, however many channels take turns', async () => {
    const first = await startChannelService();
    const second = await startChannelService();
    const say = (service: { url: string }, conversation: string, id: string, text: string) =>
      fetch(`${carepoint.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message', id, text, channelId: 'emulator', serviceUrl: service.url, from: { id: `user-${conversation}` },
          recipient: { id: 'carepoint' }, conversation: { id: conversation },
        }),
      });
    try {
      for (const [service, conversation, id] of [[first, 'emu-a', 'a1'], [second, 'emu-b', 'b1'], [first, 'emu-a', 'a2'], [second, 'emu-b', 'b2']] as const) {
        expect((await say(service, conversation, id, 'how do i order a repeat prescription')).status).toBe(200);
      }
      expect(new Set(first.received.map((r) => r.path))).toEqual(new Set(['/v3/conversations/emu-a/activities/a1', '/v3/conversations/emu-a/activities/a2']));
      expect(new Set(second.received.map((r) => r.path))).toEqual(new Set(['/v3/conversations/emu-b/activities/b1', '/v3/conversations/emu-b/activities/b2']));
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe('with an Azure Bot Service app id configured', () => {
  let carepoint: RunningCarepoint;
  beforeAll(async () => {
    carepoint = await startCarepoint({ env: { MicrosoftAppId: '00000000-0000-0000-0000-000000000001', MicrosoftAppPassword: 'not-a-real-secret' } });
  });
  afterAll(async () => carepoint.stop());

  it('refuses unauthenticated requests, and processes nothing', async () => {
    const patient = new BotClient(carepoint.url);
    await expect(patient.say('my chest hurts')).rejects.toThrow(/401/);
    const { rows } = await carepoint.carepoint.db.query('select count(*)::int as n from messages');
    expect(rows[0]).toEqual({ n: 0 });
  });
});

describe('when every article is past its review-due date', () => {
  let carepoint: RunningCarepoint;
  beforeAll(async () => {
    carepoint = await startCarepoint({ overrides: { clock: new ManualClock(new Date('2031-01-01T12:00:00Z')) } });
  });
  afterAll(async () => carepoint.stop());

  it('is not ready, serves no stale content, and still screens for emergencies', async () => {
    const ready = await fetch(`${carepoint.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not ready', articles: 0 });
    const patient = new BotClient(carepoint.url);
    const answer = await patient.say('how do i order a repeat prescription');
    expect(answer).not.toMatch(/Source: /);
    expect(answer).toMatch(/not sure[^]*co-ordinator/i);
    expect(await patient.say('he has collapsed')).toMatch(/^Call 999 now/);
  });
});

describe('the Bot Framework route and identities it must not accept', () => {
  let carepoint: RunningCarepoint;
  beforeAll(async () => {
    carepoint = await startCarepoint();
  });
  afterAll(async () => carepoint.stop());

  it('refuses a client that claims to be the SMS channel', async () => {
    const forger = new BotClient(carepoint.url, { channelId: 'sms', userId: '+447700900123' });
    await expect(forger.say('any update on my concern?')).rejects.toThrow(/400/);
  });

  it('refuses an activity without a conversation, before anything is recorded', async () => {
    for (const conversation of [{ id: '' }, {}, undefined]) {
      const response = await fetch(`${carepoint.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message', id: 'no-conversation', text: 'hello', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9',
          from: { id: 'someone' }, recipient: { id: 'carepoint' }, conversation, deliveryMode: 'expectReplies',
        }),
      });
      expect(response.status).toBe(400);
    }
  });
});

describe('in production without an Azure Bot Service app id', () => {
  let carepoint: RunningCarepoint;
  beforeAll(async () => {
    carepoint = await startCarepoint({
      env: { NODE_ENV: 'production', ENTRA_TENANT_ID: 'tenant', ENTRA_CLIENT_ID: 'client', ENTRA_CLIENT_SECRET: 'secret', SESSION_SECRET: 'x'.repeat(32), LOG_HASH_SECRET: 'test-hash-secret', TWILIO_AUTH_TOKEN: 'test-token', PUBLIC_BASE_URL: 'https://carepoint.example.nhs.uk' },
    });
  });
  afterAll(async () => carepoint.stop());

  it('does not offer the unauthenticated Bot Framework route at all', async () => {
    const response = await fetch(`${carepoint.url}/api/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'message', text: 'hi' }),
    });
    expect(response.status).toBe(404);
    expect(carepoint.logLines().some((l) => l.event === 'bot-framework-disabled')).toBe(true);
  });
});
