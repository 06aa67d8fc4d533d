import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotClient } from '../../src/tools/bot-client.js';
import { CONCERN_ANSWERS } from '../support/concern-answers.js';
import { DEV_TOKEN, startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';

let server: RunningCarepoint;
beforeAll(async () => {
  server = await startCarepoint();
});
afterAll(async () => {
  await server.stop();
});

describe('a patient over HTTP (POST /api/messages, expectReplies)', () => {
  it('is alive and ready', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', storage: true });
  });

  it('greets a new conversation', async () => {
    const patient = new BotClient(server.url);
    const [greeting] = await patient.join();
    expect(greeting!.text).toMatch(/Carepoint[^]*not for emergencies[^]*999/);
  });

  it('answers a question with the source article and its review date', async () => {
    const patient = new BotClient(server.url);
    await patient.join();
    const answer = await patient.say('whats an egfr blood test');
    expect(answer).toMatch(/eGFR/);
    expect(answer).toMatch(/Source: .+, reviewed \d{1,2} [A-Z][a-z]{2} \d{4}/);
  });

  it('takes a concern to a reference, gives emergency advice mid-dialog, and shows both in the queue', async () => {
    const patient = new BotClient(server.url);
    await patient.join();
    expect(await patient.say("I'm worried")).toMatch(/about you, or about someone you care for/);
    expect(await patient.say('me')).toMatch(/full name/);
    const emergency = await patient.say('I cant breath properly and my lips are going blue');
    expect(emergency).toMatch(/^Call 999 now/);
    expect(emergency).toMatch(/full name/); // the question again: their place is kept
    let reply = '';
    for (const answer of CONCERN_ANSWERS) reply = await patient.say(answer);
    const reference = /Your reference is (CP-[A-HJ-NP-Z2-9]{6})/.exec(reply)?.[1];
    expect(reference).toBeDefined();

    const response = await fetch(`${server.url}/api/queue`, { headers: { authorization: `Bearer ${DEV_TOKEN}` } });
    expect(response.status).toBe(200);
    const { items } = (await response.json()) as { items: Record<string, unknown>[] };
    // Stored under the Bot Framework namespace (src/channels/bot-framework-keys.ts).
    const ours = items.filter((i) => i.conversationId === `bf:emulator:${patient.conversationId}`);
    expect(ours.map((i) => i.priority)).toEqual(['emergency', 'urgent']);
    expect(ours[1]).toMatchObject({ reference, status: 'open', channel: 'chat' });
    expect(String(ours[1]!.summary)).toMatch(/dialysis appointment/);
    for (const item of ours) {
      expect(item).toEqual(expect.objectContaining({ id: expect.any(String), createdAt: expect.any(String) }));
    }
  });

  it('refuses the queue without the co-ordinator token, or with a wrong one, and shows no data', async () => {
    for (const headers of [{} as Record<string, string>, { authorization: 'Bearer wrong-token-wrong-token-00' }, { authorization: DEV_TOKEN }]) {
      const response = await fetch(`${server.url}/api/queue`, { headers });
      expect(response.status).toBe(401);
      expect(JSON.stringify(await response.json())).not.toMatch(/items|CP-/);
    }
  });
});
