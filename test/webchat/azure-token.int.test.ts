import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';

const SECRET = 'azure-direct-line-secret-do-not-leak-42';

interface Seen {
  method?: string;
  url?: string;
  authorization?: string;
  body: { user?: { id?: string } };
}

/** A stand-in for Azure's POST /v3/directline/tokens/generate. */
function startDirectLineStandIn(): Promise<{ url: string; seen: Seen[]; failWith: (status: number | null) => void; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  let failure: number | null = null;
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization, body: raw ? JSON.parse(raw) : {} });
    if (failure) {
      // Separate calls: restify (loaded in this process) patches writeHead, which then returns nothing.
      res.writeHead(failure, { 'content-type': 'application/json' });
      res.end('{"error":{"code":"BadArgument"}}');
      return;
    }
    if (req.method !== 'POST' || req.url !== '/v3/directline/tokens/generate' || req.headers.authorization !== `Bearer ${SECRET}`) {
      res.writeHead(403);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ conversationId: 'AzureConv123', token: 'azure-short-lived-token', expires_in: 3600 }));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        seen,
        failWith: (status) => (failure = status),
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

describe('web chat through Azure Bot Service Direct Line', () => {
  let standIn: Awaited<ReturnType<typeof startDirectLineStandIn>>;
  let carepoint: RunningCarepoint;

  beforeAll(async () => {
    standIn = await startDirectLineStandIn();
    carepoint = await startCarepoint({ env: { DIRECT_LINE_SECRET: SECRET, DIRECT_LINE_BASE_URL: standIn.url } });
  });
  afterEach(() => standIn.failWith(null));
  afterAll(async () => {
    await carepoint?.stop();
    await standIn?.close();
  });

  it('swaps the secret for a short-lived token; the page gets the token and domain, never the secret', async () => {
    const response = await fetch(`${carepoint.url}/api/webchat/token`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    expect(text).not.toContain(SECRET);
    expect(JSON.parse(text)).toEqual({ token: 'azure-short-lived-token', domain: `${standIn.url}/v3/directline`, expires_in: 3600 });

    const call = standIn.seen.at(-1)!;
    expect(call).toMatchObject({ method: 'POST', url: '/v3/directline/tokens/generate', authorization: `Bearer ${SECRET}` });
    expect(call.body.user?.id).toMatch(/^dl_[A-Za-z0-9_-]{16,}$/);
  });

  it('gives every visitor a different user id', async () => {
    await fetch(`${carepoint.url}/api/webchat/token`, { method: 'POST' });
    await fetch(`${carepoint.url}/api/webchat/token`, { method: 'POST' });
    const [a, b] = standIn.seen.slice(-2).map((s) => s.body.user?.id);
    expect(a).not.toBe(b);
  });

  it('lets the page talk to the Direct Line origin and nowhere else; the secret is not in the page', async () => {
    const page = await fetch(`${carepoint.url}/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`connect-src 'self' ${standIn.url}`);
    expect(await page.text()).not.toContain(SECRET);
  });

  it('does not offer the local transport when Azure carries the chat', async () => {
    const response = await fetch(`${carepoint.url}/v3/directline/conversations`, { method: 'POST' });
    expect(response.status).toBe(404);
  });

  it('answers 502 with nothing from upstream when Azure refuses, and logs no secret', async () => {
    standIn.failWith(500);
    const response = await fetch(`${carepoint.url}/api/webchat/token`, { method: 'POST' });
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ error: 'the chat is not available just now' });
    expect(carepoint.logLines()).toContainEqual(expect.objectContaining({ event: 'direct-line-token-failed', reason: 'HTTP 500' }));
    expect(carepoint.logText()).not.toContain(SECRET);
  });
});
