import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/concerns/audit/list-audit.js';
import { SESSION_COOKIE } from '../../src/console/auth/session-authenticator.js';
import { sha256 } from '../../src/console/auth/secrets.js';
import { DEV_TOKEN, startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';

const cookieOf = (response: Response) =>
  response.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.split(';')[0];

/** No Entra ID, loopback, not production: a one-time development sign-in link, and the dev token for the API. */

describe('development sign-in', () => {
  let carepoint: RunningCarepoint;

  beforeAll(async () => {
    carepoint = await startCarepoint({ env: { NODE_ENV: 'development' }});
  });
  afterAll(async () => {
    await carepoint?.stop();
  });

  it('a link signs in once, with all three roles; the database keeps only its hash', async () => {
    const link = (await carepoint.carepoint.devSignInLink())!;
    expect(link).toMatch(new RegExp(`^${carepoint.url}/console/dev-sign-in\\?token=[\\w-]{43}$`));
    const token = new URL(link).searchParams.get('token')!;
    const { rows } = await carepoint.carepoint.db.query<{ token_hash: string }>(`select token_hash from console_dev_sign_in_links`);
    expect(rows.map((r) => r.token_hash)).toContain(sha256(token));
    const first = await fetch(link, { redirect: 'manual' });
    expect(first.status).toBe(302);
    const cookie = cookieOf(first)!;
    const page = await fetch(`${carepoint.url}/console`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const role of ['Coordinator', 'ContentEditor', 'Admin']) expect(html).toContain(`${role}</strong>`);
    expect((await fetch(`${carepoint.url}/api/queue`, { headers: { cookie } })).status).toBe(200);
    expect((await listAudit(carepoint.carepoint.db, { action: 'sign-in' })).lines).toContainEqual(expect.objectContaining({ detail: expect.objectContaining({ with: 'dev' }), source: '127.0.0.1' }));
    const again = await fetch(link, { redirect: 'manual' });
    expect(again.status).toBe(401);
    expect(cookieOf(again)).toBeUndefined();
  });

  it('a link older than ten minutes is refused', async () => {
    const link = (await carepoint.carepoint.devSignInLink())!;
    await carepoint.carepoint.db.query(`update console_dev_sign_in_links set created_at = now() - interval '11 minutes' where token_hash = $1`,
      [sha256(new URL(link).searchParams.get('token')!)]);
    expect((await fetch(link, { redirect: 'manual' })).status).toBe(401);
    expect((await fetch(`${carepoint.url}/console/dev-sign-in?token=made-up`, { redirect: 'manual' })).status).toBe(401);
  });

  it('the sign-in page explains the link; the bearer dev token keeps working for the API, with all roles', async () => {
    const page = await fetch(`${carepoint.url}/console/sign-in`);
    expect(await page.text()).toMatch(/one-time sign-in link/);
    expect((await fetch(`${carepoint.url}/api/queue`, { headers: { authorization: `Bearer ${DEV_TOKEN}` } })).status).toBe(200);
  });
});
