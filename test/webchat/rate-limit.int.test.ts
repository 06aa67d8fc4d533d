import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBCHAT_START_LIMIT, WEBCHAT_TOKEN_LIMIT } from '../../src/channels/webchat/rate-limit.js';
import { startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';
import { DirectLineClient } from './support/direct-line-client.js';

/**
 * The unauthenticated token endpoint and conversation start, limited per client address over real HTTP. The
 * buckets are in the database, on its clock; the test stands behind a trusted proxy (loopback) so that each
 * test is its own client, named by X-Forwarded-For.
 */
describe('chat start rate limits over HTTP', () => {
  let carepoint: RunningCarepoint;
  const { burst } = WEBCHAT_TOKEN_LIMIT;

  beforeAll(async () => {
    carepoint = await startCarepoint({ env: { TRUSTED_PROXIES: '127.0.0.1,::1' } });
  });
  afterAll(async () => {
    await carepoint?.stop();
  });

  const from = (address: string) => ({ 'x-forwarded-for': address });
  const askForToken = (address: string) => fetch(`${carepoint.url}/api/webchat/token`, { method: 'POST', headers: from(address) });
  const limitLines = () => carepoint.logLines().filter((l) => l.event === 'rate-limited');
  /** A chat the patient opened before anyone flooded the token endpoint. */
  let openBefore: DirectLineClient;

  it('normal use is unaffected: a patient starts a chat, talks, and starts another', async () => {
    for (let i = 0; i < 2; i++) {
      openBefore = new DirectLineClient(carepoint.url, from('198.51.100.1'));
      expect((await openBefore.start()).status).toBe(201);
      await openBefore.post('What is HbA1c?');
      expect((await openBefore.pollAll()).some((a) => a.text?.includes('Source:'))).toBe(true);
    }
    expect(limitLines()).toEqual([]);
  });

  it('answers a burst of token requests beyond the limit with 429 and Retry-After, logging it once without the address', async () => {
    // All at once, so that the bucket (one a second) hardly refills while they arrive, however loaded the machine.
    const started = Date.now();
    const responses = await Promise.all(Array.from({ length: burst + 5 }, () => askForToken('198.51.100.1')));
    const elapsedSeconds = (Date.now() - started) / 1000;
    const statuses = responses.map((r) => r.status);
    const refused = responses.find((r) => r.status === 429);
    // Two of the burst went on the two chats above.
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(burst - 2);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(burst - 2 + Math.ceil(elapsedSeconds) + 1);
    expect(refused).toBeDefined();
    expect(refused!.headers.get('retry-after')).toBe('1');
    expect(await refused!.json()).toEqual({ error: expect.stringMatching(/too many requests/) });

    // One line per run of refusals: a token that refilled mid-burst on a loaded machine ends a run, and the
    // next refusal starts another; never one line per refusal.
    const refilled = statuses.filter((s) => s === 200).length - (burst - 2);
    expect(limitLines().length).toBeGreaterThanOrEqual(1);
    expect(limitLines().length).toBeLessThanOrEqual(1 + refilled);
    expect(limitLines()[0]).toMatchObject({ level: 40, endpoint: 'webchat-token', retryAfterSeconds: 1 });
    // Nothing that identifies the client: no address, and only the request id to tie it to the request line.
    expect(JSON.stringify(limitLines()[0])).not.toContain('198.51.100.1');
    expect(Object.keys(limitLines()[0]!).sort()).toEqual(
      ['endpoint', 'event', 'level', 'msg', 'requestId', 'retryAfterSeconds', 'service', 'time'],
    );
  });

  it('limits the client X-Forwarded-For names, not the proxy: another client behind it is let through', async () => {
    expect((await askForToken('198.51.100.1')).status).toBe(429);
    expect((await askForToken('198.51.100.2')).status).toBe(200);
    // A client cannot escape its bucket by writing its own X-Forwarded-For entry to the left of the proxy's.
    expect((await askForToken('203.0.113.9, 198.51.100.1')).status).toBe(429);
  });

  it('while tokens are refused, chats already open carry on', async () => {
    expect((await askForToken('198.51.100.1')).status).toBe(429);
    await openBefore.post('thank you');
    expect((await openBefore.pollAll()).map((a) => a.text)).toContain('You are welcome. I am here any time.');
    expect((await openBefore.call('POST', '/v3/directline/tokens/refresh')).status).toBe(200);
    expect((await openBefore.call('GET', `/v3/directline/conversations/${openBefore.conversationId}`)).status).toBe(200);
  });

  it('lets the client in again once the bucket has refilled (one a second, on the database clock)', async () => {
    await new Promise((r) => setTimeout(r, 1100));
    expect((await askForToken('198.51.100.1')).status).toBe(200);
    // Only what has refilled: a token or two, not a new burst.
    const next = await Promise.all(Array.from({ length: 5 }, () => askForToken('198.51.100.1')));
    expect(next.map((r) => r.status)).toContain(429);
  });

  it('limits starting conversations the same way, with any token', async () => {
    const chat = new DirectLineClient(carepoint.url, from('198.51.100.3'));
    expect((await chat.start()).status).toBe(201); // one token, one start
    const statuses = (await Promise.all(
      Array.from({ length: WEBCHAT_START_LIMIT.burst + 3 }, () => chat.call('POST', '/v3/directline/conversations', {})),
    )).map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(WEBCHAT_START_LIMIT.burst - 1);
    expect(statuses).toContain(429);
    expect(limitLines().at(-1)).toMatchObject({ endpoint: 'webchat-conversation-start' });
  });
});
