import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';

/** GET / and the files it loads, over HTTP (the browser tests show it working; these pin the rules). */
describe('chat page over HTTP', () => {
  let carepoint: RunningCarepoint;

  beforeAll(async () => {
    carepoint = await startCarepoint();
  });
  afterAll(async () => {
    await carepoint?.stop();
  });

  it('is served with a policy that allows only this origin, and a fresh style nonce each time', async () => {
    const [a, b] = await Promise.all([fetch(`${carepoint.url}/`), fetch(`${carepoint.url}/`)]);
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = a.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    const html = await a.text();
    expect(html).toContain(`data-style-nonce="${nonce}"`);
    expect(b.headers.get('content-security-policy')).not.toContain(nonce);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline scripts
    expect(a.headers.get('cache-control')).toBe('no-store');
  });

  it('puts the not-for-emergencies warning first after the header, and the chat after it', async () => {
    const html = await (await fetch(`${carepoint.url}/`)).text();
    const at = (needle: string) => {
      const i = html.indexOf(needle);
      expect(i, needle).toBeGreaterThanOrEqual(0);
      return i;
    };
    expect(at('class="nhsuk-skip-link"')).toBeLessThan(at('<header class="nhsuk-header"'));
    expect(at('</header>')).toBeLessThan(at('<main'));
    const main = html.slice(at('<main'), at('</main>'));
    expect(main.replace(/<!--.*?-->/gs, '')).toMatch(/^<main[^>]*>\s*<div class="nhsuk-card nhsuk-card--warning[^"]*" id="not-for-emergencies">/);
    expect(at('id="not-for-emergencies"')).toBeLessThan(at('id="webchat"'));
    expect(html).toMatch(/not for emergencies/i);
    expect(html).toMatch(/call 999/i);
  });

  it('serves the NHS design system and Web Chat from the installed packages, compressed and cacheable', async () => {
    const css = await fetch(`${carepoint.url}/assets/nhsuk-frontend.min.css`);
    expect(css.status).toBe(200);
    const cssText = await css.text();
    expect(cssText).toContain('.nhsuk-header');
    expect(cssText).not.toContain('@font-face');
    expect(cssText).not.toContain('assets.nhs.uk');
    // Every image the stylesheet points at is served.
    const images = [...new Set([...cssText.matchAll(/url\((\/assets\/images\/[^)]+)\)/g)].map((m) => m[1]!))];
    expect(images.length).toBeGreaterThan(0);
    for (const image of images) expect((await fetch(`${carepoint.url}${image}`)).status, image).toBe(200);

    const js = await fetch(`${carepoint.url}/assets/nhsuk-frontend.min.js`);
    expect(await js.text()).toContain('initAll');

    // Raw bytes, so that the gzip encoding is visible.
    const { request } = await import('node:http');
    const webChat = await new Promise<{ status?: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      request(`${carepoint.url}/assets/webchat.js`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject).end();
    });
    expect(webChat.status).toBe(200);
    expect(webChat.headers['content-encoding']).toBe('gzip');
    expect(webChat.body.length).toBeLessThan(1_500_000);
    expect(gunzipSync(webChat.body).length).toBeGreaterThan(3_000_000);

    const etag = webChat.headers.etag as string;
    const again = await fetch(`${carepoint.url}/assets/webchat.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it("serves the page's own script and styles", async () => {
    const script = await fetch(`${carepoint.url}/assets/chat.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain('createDirectLine');
    expect((await fetch(`${carepoint.url}/assets/chat.css`)).status).toBe(200);
    expect((await fetch(`${carepoint.url}/favicon.ico`)).status).toBe(200);
    expect((await fetch(`${carepoint.url}/assets/../package.json`)).status).toBe(404);
  });

  it('keeps the chat for this tab only (sessionStorage, never localStorage), with a way to start afresh', async () => {
    const script = await (await fetch(`${carepoint.url}/assets/chat.js`)).text();
    expect(script).toContain('sessionStorage');
    expect(script).not.toMatch(/localStorage\s*[.[]/); // named in a comment saying why not, never used
    const html = await (await fetch(`${carepoint.url}/`)).text();
    // Hidden until the chat is open (without JavaScript there is no chat to restart).
    expect(html).toMatch(/<div id="new-chat"[^>]*\bhidden\b[^>]*>[\s\S]*?<button type="button"[^>]*>Start a new chat<\/button>/);
  });

  it('hands the page a short-lived local token and a relative Direct Line domain by default', async () => {
    const response = await fetch(`${carepoint.url}/api/webchat/token`, { method: 'POST' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; domain: string; expires_in: number };
    expect(body).toMatchObject({ domain: '/v3/directline', expires_in: 1800 });
    expect(body.token).toMatch(/^cpwc1\./);
  });
});
