import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { WEBCHAT_START_LIMIT } from '../../src/channels/webchat/rate-limit.js';
import { startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';
import { DirectLineClient } from './support/direct-line-client.js';

/**
 * The unauthenticated token endpoint and conversation start, limited per client address over real HTTP.
 * The clock stands still unless a test moves it, so the bucket refills only when told.
 */
describe('chat start rate limits over HTTP', () => {
  let carepoint: RunningCarepoint;
  const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  const { burst } = WEBCHAT_START_LIMIT;

  beforeAll(async () => {
    carepoint = await startCarepoint({ overrides: { clock } });
  });
  afterAll(async () => {
    await carepoint?.stop();
  });

  const askForToken = () => fetch(`${carepoint.url}/api/webchat/token`, { method: 'POST' });
  const limitLines = () => carepoint.logLines().filter((l) => l.event === 'webchat-rate-limited');
  /** A chat the patient opened before anyone flooded the token endpoint. */
  let openBefore: DirectLineClient;

  it('normal use is unaffected: a patient starts a chat, talks, and starts another', async () => {
    for (let i = 0; i < 2; i++) {
      openBefore = new DirectLineClient(carepoint.url);
      expect((await openBefore.start()).status).toBe(201);
      await openBefore.post('What is HbA1c?');
      expect((await openBefore.pollAll()).some((a) => a.text?.includes('Source:'))).toBe(true);
    }
    expect(limitLines()).toEqual([]);
    clock.advance(60_000);
  });

  it('answers a burst of token requests beyond the limit with 429 and Retry-After, logging it once without the address', async () => {
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < burst + 5; i++) {
      const response = await askForToken();
      statuses.push(response.status);
      if (response.status === 429) refused = response;
    }
    expect(statuses.slice(0, burst).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(burst)).toEqual([429, 429, 429, 429, 429]);
    expect(refused!.headers.get('retry-after')).toBe('1');
    expect(await refused!.json()).toEqual({ error: expect.stringMatching(/too many requests/) });

    expect(limitLines()).toHaveLength(1);
    expect(limitLines()[0]).toMatchObject({ level: 40, endpoint: 'token', retryAfterSeconds: 1 });
    // Nothing that identifies the client: no address, and only the request id to tie it to the request line.
    expect(JSON.stringify(limitLines()[0])).not.toContain('127.0.0.1');
    expect(Object.keys(limitLines()[0]!).sort()).toEqual(
      ['endpoint', 'event', 'level', 'msg', 'requestId', 'retryAfterSeconds', 'service', 'time'],
    );
  });

  it('while tokens are refused, chats already open carry on', async () => {
    expect((await askForToken()).status).toBe(429);
    await openBefore.post('thank you');
    expect((await openBefore.pollAll()).map((a) => a.text)).toContain('You are welcome. I am here any time.');
    expect((await openBefore.call('POST', '/v3/directline/tokens/refresh')).status).toBe(200);
    expect((await openBefore.call('GET', `/v3/directline/conversations/${openBefore.conversationId}`)).status).toBe(200);
  });

  it('lets the client in again once the bucket has refilled', async () => {
    clock.advance(1000);
    expect((await askForToken()).status).toBe(200);
    expect((await askForToken()).status).toBe(429);
    clock.advance(burst * 1000);
    for (let i = 0; i < burst; i++) expect((await askForToken()).status).toBe(200);
  });

  it('limits starting conversations the same way, with any token', async () => {
    clock.advance(60_000);
    const chat = new DirectLineClient(carepoint.url);
    expect((await chat.start()).status).toBe(201); // one token, one start
    const statuses: number[] = [];
    for (let i = 0; i < burst; i++) statuses.push((await chat.call('POST', '/v3/directline/conversations', {})).status);
    expect(statuses.slice(0, burst - 1).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect(limitLines().at(-1)).toMatchObject({ endpoint: 'conversation-start' });
  });
});
