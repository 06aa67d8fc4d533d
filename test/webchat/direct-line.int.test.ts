import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { POLL_PAGE_SIZE } from '../../src/channels/webchat/direct-line-routes.js';
import { WebChatTokens } from '../../src/channels/webchat/webchat-token.js';
import { DEV_TOKEN, startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';
import { DirectLineClient } from './support/direct-line-client.js';

const TOKEN_SECRET = 'webchat-test-token-secret-0123456789abcdef';

/** Carepoint's own Direct Line 3.0 endpoints over real HTTP on loopback, as Web Chat's polling client uses them. */
describe('local Direct Line transport', () => {
  let carepoint: RunningCarepoint;

  beforeAll(async () => {
    carepoint = await startCarepoint({ env: { WEBCHAT_TOKEN_SECRET: TOKEN_SECRET } });
  });
  afterAll(async () => {
    await carepoint?.stop();
  });

  it('needs a token for every Direct Line call', async () => {
    const chat = new DirectLineClient(carepoint.url);
    await chat.start();
    const path = `/v3/directline/conversations/${chat.conversationId}/activities`;
    const forged = new WebChatTokens('some-other-key-that-is-long-enough-000', new ManualClock(new Date()))
      .issue({ conversationId: chat.conversationId, userId: 'dl_forged' }).token;
    for (const token of [null, 'garbage', `${chat.token}x`, forged]) {
      expect((await chat.call('GET', `${path}?watermark=`, undefined, token)).status).toBe(401);
      expect((await chat.call('POST', path, { type: 'message', text: 'hello' }, token)).status).toBe(401);
      expect((await chat.call('POST', '/v3/directline/conversations', {}, token)).status).toBe(401);
      expect((await chat.call('POST', '/v3/directline/tokens/refresh', undefined, token)).status).toBe(401);
    }
  });

  it("refuses a token for another conversation with 403", async () => {
    const mine = new DirectLineClient(carepoint.url);
    const theirs = new DirectLineClient(carepoint.url);
    await Promise.all([mine.start(), theirs.start()]);
    await theirs.post('What is HbA1c?');
    const path = `/v3/directline/conversations/${theirs.conversationId}`;
    expect((await mine.call('GET', `${path}/activities?watermark=`)).status).toBe(403);
    expect((await mine.call('POST', `${path}/activities`, { type: 'message', text: 'hi' })).status).toBe(403);
    expect((await mine.call('GET', path)).status).toBe(403);
  });

  it('greets the patient once when the conversation starts', async () => {
    const chat = new DirectLineClient(carepoint.url);
    expect((await chat.start()).status).toBe(201);
    const again = await chat.call('POST', '/v3/directline/conversations', {});
    expect(again.status).toBe(200);
    const activities = await chat.pollAll();
    expect(activities.map((a) => a.text?.split('\n')[0])).toEqual(['Hello, I am Carepoint, the single point of contact for your care.']);
    expect(activities[0]).toMatchObject({ type: 'message', from: { id: 'carepoint', role: 'bot' } });
  });

  it('echoes the message under the user id from the token, never the posted one, then the answer', async () => {
    const chat = new DirectLineClient(carepoint.url);
    await chat.start();
    await chat.pollAll();
    const id = await chat.post('How do I order a repeat prescription?', { channelData: { clientActivityID: 'client-1' } });
    const [echo, answer, ...rest] = await chat.pollAll();
    expect(rest).toEqual([]);
    expect(echo).toMatchObject({ id, type: 'message', text: 'How do I order a repeat prescription?', channelData: { clientActivityID: 'client-1' } });
    expect(echo!.from.id).toMatch(/^dl_/);
    expect(echo!.from.id).not.toBe('r_webchat_made_up');
    expect(answer).toMatchObject({ type: 'message', from: { id: 'carepoint', role: 'bot' }, replyToId: id });
    expect(answer!.text).toMatch(/Source: .*repeat prescriptions/i);
  });

  it('takes a message posted twice (same client id) once', async () => {
    const chat = new DirectLineClient(carepoint.url);
    await chat.start();
    await chat.pollAll();
    const first = await chat.post('What is HbA1c?', { channelData: { clientActivityID: 'same-one' } });
    const second = await chat.post('What is HbA1c?', { channelData: { clientActivityID: 'same-one' } });
    expect(second).toBe(first);
    const activities = await chat.pollAll();
    expect(activities.filter((a) => a.from.role === 'user')).toHaveLength(1);
    expect(activities.filter((a) => a.from.role === 'bot')).toHaveLength(1);
  });

  it('pages through a long conversation by watermark with nothing skipped or repeated', async () => {
    const chat = new DirectLineClient(carepoint.url);
    await chat.start();
    const sent: string[] = [];
    for (let i = 1; i <= 30; i++) sent.push(await chat.post(`thanks ${i}`));
    const first = await chat.poll();
    expect(first).toHaveLength(POLL_PAGE_SIZE);
    const rest = await chat.pollAll();
    const all = [...first, ...rest];
    expect(all.length).toBeGreaterThan(POLL_PAGE_SIZE);
    const seqs = all.map((a) => Number(a.id.split('|')[1]));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(all.filter((a) => a.from.role === 'user').map((a) => a.id)).toEqual(sent);
    // Asking again from the last watermark gives nothing new and keeps the watermark.
    const watermark = chat.watermark;
    expect(await chat.poll()).toEqual([]);
    expect(chat.watermark).toBe(watermark);
  });

  it('rejects a bad watermark, an empty message and attachments', async () => {
    const chat = new DirectLineClient(carepoint.url);
    await chat.start();
    const path = `/v3/directline/conversations/${chat.conversationId}/activities`;
    expect((await chat.call('GET', `${path}?watermark=abc`)).status).toBe(400);
    expect((await chat.call('POST', path, { type: 'message', text: '   ' })).status).toBe(400);
    expect((await chat.call('POST', path, { type: 'message', text: 'x', attachments: [{ contentType: 'image/png' }] })).status).toBe(400);
    expect((await chat.call('POST', path, { type: 'typing' })).status).toBe(200);
  });

  it('runs the emergency screen on web chat: 999 advice and an emergency queue item', async () => {
    const chat = new DirectLineClient(carepoint.url);
    await chat.start();
    await chat.pollAll();
    await chat.post('she is having a seizure that will not stop and her lips are blue');
    const replies = (await chat.pollAll()).filter((a) => a.from.role === 'bot').map((a) => a.text ?? '');
    expect(replies[0]).toMatch(/^Call 999 now/);
    const queue = (await (await fetch(`${carepoint.url}/api/queue`, { headers: { authorization: `Bearer ${DEV_TOKEN}` } })).json()) as {
      items: { priority: string; channel: string; requesterKey?: string }[];
    };
    expect(queue.items).toContainEqual(expect.objectContaining({ priority: 'emergency', channel: 'chat' }));
  });

  it('never writes message text to the logs', async () => {
    const chat = new DirectLineClient(carepoint.url);
    await chat.start();
    await chat.post('my very particular phrase about zebra medicines');
    await chat.pollAll();
    expect(carepoint.logText()).not.toContain('zebra');
    expect(carepoint.logText()).not.toContain(chat.conversationId);
  });

  it('keeps the conversation across a restart (same token key, same database)', async () => {
    const dataDir = carepoint.dataDir;
    const chat = new DirectLineClient(carepoint.url);
    await chat.start();
    await chat.post('What is HbA1c?');
    const before = await chat.pollAll();
    await carepoint.stop();
    carepoint = await startCarepoint({ dataDir, env: { WEBCHAT_TOKEN_SECRET: TOKEN_SECRET } });
    const after = new DirectLineClient(carepoint.url);
    Object.assign(after, { token: chat.token, conversationId: chat.conversationId });
    expect(await after.pollAll()).toEqual(before);
    await after.post('thank you');
    expect((await after.pollAll()).map((a) => a.text)).toEqual(['thank you', 'You are welcome. I am here any time.']);
  });
});

describe('local Direct Line tokens over time', () => {
  let carepoint: RunningCarepoint;
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));

  beforeAll(async () => {
    carepoint = await startCarepoint({ overrides: { clock } });
  });
  afterAll(async () => {
    await carepoint?.stop();
  });

  it('expire after 30 minutes (403, as Direct Line answers) unless refreshed', async () => {
    const chat = new DirectLineClient(carepoint.url);
    await chat.start();
    clock.advance(15 * 60_000);
    const refreshed = await chat.call('POST', '/v3/directline/tokens/refresh');
    expect(refreshed.status).toBe(200);
    const body = (await refreshed.json()) as { token: string; conversationId: string; expires_in: number };
    expect(body).toMatchObject({ conversationId: chat.conversationId, expires_in: 1800 });
    const old = chat.token;
    clock.advance(20 * 60_000);
    const path = `/v3/directline/conversations/${chat.conversationId}/activities?watermark=`;
    expect((await chat.call('GET', path, undefined, old)).status).toBe(403);
    expect((await chat.call('POST', '/v3/directline/tokens/refresh', undefined, old)).status).toBe(403);
    expect((await chat.call('GET', path, undefined, body.token)).status).toBe(200);
  });
});
