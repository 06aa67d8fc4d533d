import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { BotClient } from '../../src/tools/bot-client.js';
import { CONCERN_ANSWERS } from '../support/concern-answers.js';
import { freshDataDir } from '../support/database-template.js';
import { startServerProcess } from '../support/server-process.js';
import { FakeOpenAI } from '../support/fake-openai.js';

const TOKEN = 'restart-test-token-0123456789';

describe('a server killed and restarted on the same data', () => {
  it('resumes a half-finished concern dialog, and keeps a committed concern', async () => {
    const env = { DATA_DIR: await freshDataDir(), COORDINATOR_DEV_TOKEN: TOKEN };
    let server = await startServerProcess(env);
    const conversation = { conversationId: `restart-${Date.now()}`, userId: 'restart-user' };
    let patient = new BotClient(server.url, conversation);
    await patient.say("I'm worried");
    await patient.say('me');
    expect(await patient.say('Jane Smith')).toMatch(/date of birth/);

    server.child.kill('SIGKILL');
    await server.exited;
    server = await startServerProcess({ ...env, PORT: new URL(server.url).port });
    patient = new BotClient(server.url, conversation);
    // Carries on at the date-of-birth question, with the name it had before the crash.
    expect(await patient.say('31/01/1950')).toMatch(/Which condition/);
    let reply = '';
    for (const answer of CONCERN_ANSWERS.slice(2)) reply = await patient.say(answer);
    expect(reply).toMatch(/About: You, Jane Smith, born 31 January 1950|Your reference is/);
    const reference = /Your reference is (CP-[A-Z2-9]{6})/.exec(reply)?.[1];
    expect(reference).toBeDefined();

    server.child.kill('SIGKILL');
    await server.exited;
    server = await startServerProcess(env);
    const queue = await fetch(`${server.url}/api/queue`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const { items } = (await queue.json()) as { items: { reference: string; details: { name?: string } }[] };
    expect(items.find((i) => i.reference === reference)?.details.name).toBe('Jane Smith');

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 120_000);

  it('processes, once, a delivery sent again after the process died mid-turn', async () => {
    // A slow language model holds the turn after its message is recorded: that is where the kill lands.
    const model = await new FakeOpenAI().start();
    model.delayMs = 60_000;
    const env = {
      DATA_DIR: await freshDataDir(), TURN_LEASE_MS: '1000', OPENAI_API_KEY: model.apiKey, OPENAI_BASE_URL: `${model.url}/v1`,
      OPENAI_CHAT_MODEL: 'fake-chat-1', OPENAI_URGENCY_TIMEOUT_MS: '30000',
    };
    let server = await startServerProcess(env);
    const activity = {
      type: 'message', id: 'died-mid-turn-1', text: 'how do i order a repeat prescription please', channelId: 'emulator',
      serviceUrl: 'http://127.0.0.1:9', from: { id: 'u-died' }, recipient: { id: 'b' }, conversation: { id: `died-${Date.now()}` },
      deliveryMode: 'expectReplies',
    };
    const post = (url: string) =>
      fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) })
        .then(async (r) => ({ status: r.status, activities: ((await r.json()) as { activities?: { text?: string }[] }).activities ?? [] }));
    void post(server.url).catch(() => undefined);
    for (let i = 0; i < 200 && model.chatRequests().length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(model.chatRequests().length).toBeGreaterThan(0); // recorded, and mid-turn
    server.child.kill('SIGKILL');
    await server.exited;

    model.delayMs = 0;
    server = await startServerProcess({ ...env, PORT: new URL(server.url).port });
    await new Promise((r) => setTimeout(r, 1_100)); // past the lease
    const again = await post(server.url);
    expect(again.status).toBe(200);
    expect(again.activities.length).toBeGreaterThan(0);
    expect(server.output()).toMatch(/"event":"redelivery-taken-over"/);
    // Once: its turn has ended now, so a further delivery is a duplicate again.
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await post(server.url)).activities).toEqual([]);
    server.child.kill('SIGTERM');
    await server.exited;
    await model.stop();
  }, 120_000);

  it('stops cleanly on SIGTERM, finishing the turn in flight', async () => {
    const server = await startServerProcess({ DATA_DIR: await freshDataDir() });
    const body = JSON.stringify({
      type: 'message', id: 'sigterm-1', text: 'how do i order a repeat prescription', channelId: 'emulator',
      serviceUrl: 'http://127.0.0.1:9', from: { id: 'u' }, recipient: { id: 'b' }, conversation: { id: 'sigterm' },
      deliveryMode: 'expectReplies',
    });
    // Half a request is on the wire when SIGTERM arrives; the rest follows after it.
    const request = http.request(`${server.url}/api/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      request.on('response', (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      request.on('error', reject);
    });
    request.write(body.slice(0, 20));
    await new Promise((r) => setTimeout(r, 300));
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    request.end(body.slice(20));
    const { status, text } = await response;
    expect(status).toBe(200);
    expect(text).toMatch(/Source:/);
    expect(await server.exited).toBe(0);
    expect(server.output()).toMatch(/Carepoint stopped/);
    await expect(fetch(server.url + '/healthz')).rejects.toThrow();
  }, 60_000);
});
