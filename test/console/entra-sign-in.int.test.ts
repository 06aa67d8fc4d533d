import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/concerns/audit/list-audit.js';
import { SESSION_COOKIE } from '../../src/console/auth/session-authenticator.js';
import { FakeEntra, TestBrowser } from '../support/fake-entra.js';
import { freePort } from '../support/server-process.js';
import { startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';

const SESSION_SECRET = 'console-test-session-secret-0123456789abcdef';

/** Sign-in with Entra ID for real: msal-node's code flow with PKCE against oidc-provider on loopback. */

describe('console sign-in with Entra ID', () => {
  const entra = new FakeEntra({ alice: ['Coordinator', 'Admin'], bob: [], carol: ['ContentEditor'] });
  let carepoint: RunningCarepoint;
  let base: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    await entra.start(base);
    env = {
      PORT: String(port), PUBLIC_BASE_URL: base, ENTRA_CLIENT_ID: entra.clientId, ENTRA_CLIENT_SECRET: entra.clientSecret,
      ENTRA_AUTHORITY: entra.issuer, SESSION_SECRET,
    };
    carepoint = await startCarepoint({ env, overrides: { entraFetch: entra.fetch } });
  });
  afterAll(async () => {
    await carepoint?.stop();
    await entra.stop();
  });

  const signedIn = async (login: string) => {
    const browser = new TestBrowser(entra);
    const end = await browser.signIn(base, login);
    return { browser, end, cookie: browser.cookie(base, SESSION_COOKIE)! };
  };
  const queueWith = (headers: Record<string, string>) => fetch(`${base}/api/queue`, { headers });

  it('signs a co-ordinator in through the code flow with PKCE, shows who and which roles, and opens the queue API', async () => {
    const { browser, end } = await signedIn('alice');
    const authorize = new URL(end.hops.find((h) => h.startsWith(`${entra.issuer}/auth`))!);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(end.url).toBe(`${base}/console`);
    expect(end.response.status).toBe(200);
    const html = await end.response.text();
    expect(html).toContain('Alice Test');
    expect(html).toMatch(/Coordinator<\/strong>/);
    expect(html).toMatch(/Admin<\/strong>/);
    expect(html).not.toMatch(/ContentEditor<\/strong>/);
    expect(html).toContain('/assets/nhsuk-frontend.min.css');
    const cookie = browser.cookie(base, SESSION_COOKIE)!;
    expect((await queueWith({ cookie: `${SESSION_COOKIE}=${cookie}` })).status).toBe(200);
    expect((await listAudit(carepoint.carepoint.db, { action: 'sign-in' })).lines).toContainEqual(expect.objectContaining({ actor: expect.objectContaining({ id: 'alice' }), source: '127.0.0.1' }));
  });

  it('sets an HttpOnly, SameSite=Lax cookie; the database holds only a hash of the id; each sign-in gets a new id', async () => {
    const browser = new TestBrowser(entra);
    browser.setCookie(base, SESSION_COOKIE, 'planted-by-an-attacker.x');
    let setCookie = '';
    const original = browser.request.bind(browser);
    browser.request = async (url, init) => {
      const response = await original(url, init);
      for (const line of response.headers.getSetCookie()) if (line.startsWith(`${SESSION_COOKIE}=`)) setCookie = line;
      return response;
    };
    await browser.signIn(base, 'alice');
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).not.toMatch(/Secure/); // PUBLIC_BASE_URL is http here
    const first = browser.cookie(base, SESSION_COOKIE)!;
    expect(first).not.toBe('planted-by-an-attacker.x');
    await browser.signIn(base, 'alice');
    expect(browser.cookie(base, SESSION_COOKIE)).not.toBe(first);
    const id = decodeURIComponent(first).split('.')[0]!;
    const { rows } = await carepoint.carepoint.db.query<{ id_hash: string }>(`select id_hash from console_sessions`);
    expect(rows.map((r) => r.id_hash)).not.toContain(id);
  });

  it('without any role: 403 with a page that says why', async () => {
    const { end, cookie } = await signedIn('bob');
    expect(end.response.status).toBe(403);
    expect(await end.response.text()).toMatch(/Bob Test.*no Carepoint role/s);
    expect((await queueWith({ cookie: `${SESSION_COOKIE}=${cookie}` })).status).toBe(403);
  });

  it('with the wrong role: the queue API refuses (403 names the role needed)', async () => {
    const { cookie } = await signedIn('carol');
    const response = await queueWith({ cookie: `${SESSION_COOKIE}=${cookie}` });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: 'this needs the Coordinator role' });
  });

  it('refuses a tampered cookie', async () => {
    const { cookie } = await signedIn('alice');
    const [id, mac] = decodeURIComponent(cookie).split('.') as [string, string];
    const flipped = `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}.${mac}`;
    expect((await queueWith({ cookie: `${SESSION_COOKIE}=${encodeURIComponent(flipped)}` })).status).toBe(401);
    expect((await queueWith({ cookie: `${SESSION_COOKIE}=${encodeURIComponent(`${id}.${mac.slice(1)}`)}` })).status).toBe(401);
    expect((await queueWith({ cookie: `${SESSION_COOKIE}=${cookie}` })).status).toBe(200);
  });

  it('refuses an idle session (30 minutes) and an old one (12 hours), on the database clock', async () => {
    const idle = await signedIn('alice');
    const old = await signedIn('alice');
    const hashOf = async (cookie: string) => {
      const { sha256 } = await import('../../src/console/auth/secrets.js');
      return sha256(decodeURIComponent(cookie).split('.')[0]!);
    };
    await carepoint.carepoint.db.query(`update console_sessions set last_seen_at = now() - interval '31 minutes' where id_hash = $1`, [await hashOf(idle.cookie)]);
    await carepoint.carepoint.db.query(`update console_sessions set created_at = now() - interval '12 hours 1 minute' where id_hash = $1`, [await hashOf(old.cookie)]);
    expect((await queueWith({ cookie: `${SESSION_COOKIE}=${idle.cookie}` })).status).toBe(401);
    expect((await queueWith({ cookie: `${SESSION_COOKIE}=${old.cookie}` })).status).toBe(401);
    const page = await idle.browser.request(`${base}/console`);
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/console/sign-in');
  });

  it('sign-out needs the CSRF token, ends the session here and sends the browser to Entra ID\'s sign-out', async () => {
    const { browser, end, cookie } = await signedIn('alice');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await end.response.text())![1]!;
    expect((await browser.request(`${base}/console/sign-out`, { form: {} })).status).toBe(403);
    expect((await browser.request(`${base}/console/sign-out`, { form: { _csrf: 'wrong' } })).status).toBe(403);
    expect((await queueWith({ cookie: `${SESSION_COOKIE}=${cookie}` })).status).toBe(200); // still signed in
    const out = await browser.request(`${base}/console/sign-out`, { form: { _csrf: csrf } });
    expect(out.status).toBe(302);
    const location = new URL(out.headers.get('location')!);
    expect(location.origin).toBe(entra.issuer);
    expect(location.searchParams.get('post_logout_redirect_uri')).toBe(`${base}/console/sign-out`);
    expect(location.searchParams.get('client_id')).toBe(entra.clientId);
    expect((await queueWith({ cookie: `${SESSION_COOKIE}=${cookie}` })).status).toBe(401);
    expect((await listAudit(carepoint.carepoint.db, { action: 'sign-out' })).lines).toContainEqual(expect.objectContaining({ actor: expect.objectContaining({ id: 'alice' }) }));
  });

  it('a state-changing request on the session cookie without a CSRF token is refused', async () => {
    const { cookie } = await signedIn('alice');
    // Any POST through the composite authenticator: the sign-out route is one; an unknown API path is 404 before auth.
    const noToken = await fetch(`${base}/console/sign-out`, { method: 'POST', headers: { cookie: `${SESSION_COOKIE}=${cookie}`, 'content-type': 'application/json' }, body: '{}' });
    expect(noToken.status).toBe(403);
  });

  it('refuses a callback whose state was not started in this browser', async () => {
    const victim = new TestBrowser(entra);
    const start = await victim.request(`${base}/console/sign-in`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const attacker = new TestBrowser(entra);
    const response = await attacker.request(`${base}/console/auth/callback?code=stolen&state=${state}`);
    expect(response.status).toBe(401);
    expect(attacker.cookie(base, SESSION_COOKIE)).toBeUndefined();
  });

  it('accepts an Entra ID access token for this app with a role; refuses another audience, an expired one, a forged one, a wrong role', async () => {
    const bearer = async (token: string) => queueWith({ authorization: `Bearer ${token}` });
    expect((await bearer(await entra.accessToken({ roles: ['Coordinator'] }))).status).toBe(200);
    expect((await bearer(await entra.accessToken({ roles: ['Coordinator'] }, { audience: 'api://someone-else' }))).status).toBe(401);
    expect((await bearer(await entra.accessToken({ roles: ['Coordinator'] }, { expiresInSeconds: -60 }))).status).toBe(401);
    expect((await bearer(await entra.accessToken({ roles: ['Coordinator'] }, { impostor: true }))).status).toBe(401);
    expect((await bearer(await entra.accessToken({ roles: ['ContentEditor'] }))).status).toBe(403);
    expect((await bearer(await entra.accessToken({}))).status).toBe(403);
  });

  it('a session survives a restart (it is in the database)', async () => {
    const { cookie } = await signedIn('alice');
    await carepoint.stop();
    carepoint = await startCarepoint({ env, dataDir: carepoint.dataDir, overrides: { entraFetch: entra.fetch } });
    expect((await queueWith({ cookie: `${SESSION_COOKIE}=${cookie}` })).status).toBe(200);
  });
});
