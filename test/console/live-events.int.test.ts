import { describe, expect, it } from 'vitest';
import { listAudit } from '../../src/concerns/audit/list-audit.js';
import { sha256 } from '../../src/console/auth/secrets.js';
import { SESSION_COOKIE } from '../../src/console/auth/session-authenticator.js';
import { startCarepoint } from '../support/start-carepoint.js';
import { raiseConcern, signIn, useConsole, type ConsoleEnv } from './support/console-setup.js';
import { openStream } from './support/event-stream.js';

/** Live updates: the event stream at /console/events and the fragments the pages fetch again. */

const lastSeen = async (env: ConsoleEnv, cookie: string) => {
  const { rows } = await env.carepoint.carepoint.db.query<{ last_seen_at: Date }>(
    'select last_seen_at from console_sessions where id_hash = $1', [sha256(decodeURIComponent(cookie).split('.')[0]!)]);
  return new Date(rows[0]!.last_seen_at).getTime();
};

describe('live console updates', () => {
  const env = useConsole({ overrides: { liveHeartbeatMs: 300 } });

  it('streams the id of each concern that changes, with retry and heartbeats, to a signed-in Coordinator only', async () => {
    expect((await fetch(`${env.base}/console/events`)).status).toBe(401);
    const carol = await signIn(env, 'carol');
    expect((await carol.get('/console/events')).status).toBe(403);

    const bob = await signIn(env, 'bob');
    const stream = await openStream(env.base, bob.cookie);
    try {
      expect(stream.response.status).toBe(200);
      expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      await stream.until(/^retry: 5000\n/);
      const item = await raiseConcern(env);
      await stream.until(new RegExp(`event: concern\\ndata: ${item.id}\\n\\n`));
      await stream.until(/: heartbeat\n\n/);
      // Only ids: nothing the patient wrote goes down the stream.
      expect(stream.text()).not.toMatch(/tablets|Ada|Lovelace/);
    } finally {
      await stream.close();
    }
  });

  it('ends a stream at the next heartbeat once its session has ended', async () => {
    const bob = await signIn(env, 'bob');
    const stream = await openStream(env.base, bob.cookie);
    try {
      await stream.until(/retry/);
      expect((await bob.post('/console/sign-out', { _csrf: bob.csrf })).status).toBe(302);
      await expect.poll(() => stream.ended(), { timeout: 5_000 }).toBe(true);
    } finally {
      await stream.close();
    }
  });

  it('fetching fragments again is not activity: the session idle clock and the claim are left alone; the refresh is audited as live', async () => {
    const bob = await signIn(env, 'bob');
    const item = await raiseConcern(env);
    await bob.post(`/console/queue/${item.id}/claim`, { _csrf: bob.csrf });
    const db = env.carepoint.carepoint.db;
    await db.query(`update console_sessions set last_seen_at = now() - interval '10 minutes'`);
    const { rows: [before] } = await db.query<{ claimed_until: Date }>('select claimed_until from concerns where id = $1', [item.id]);
    const seen = await lastSeen(env, bob.cookie);

    const rows = await bob.get('/console/queue/rows');
    expect(rows.status).toBe(200);
    expect(rows.html).toContain(`data-id="${item.id}"`);
    const live = await bob.get(`/console/queue/${item.id}/live`);
    expect(live.status).toBe(200);
    expect(live.html).toMatch(/^<div data-version="[^"]+" data-messages="2">/);
    expect(await lastSeen(env, bob.cookie)).toBe(seen);
    const { rows: [after] } = await db.query<{ claimed_until: Date }>('select claimed_until from concerns where id = $1', [item.id]);
    expect(new Date(after!.claimed_until).getTime()).toBe(new Date(before!.claimed_until).getTime());
    expect((await listAudit(db, { concernId: item.id, action: 'view' })).lines).toEqual([expect.objectContaining({ detail: { live: true } })]);
    // The page itself is activity, as any page is.
    await bob.get(`/console/queue/${item.id}`);
    expect(await lastSeen(env, bob.cookie)).toBeGreaterThan(seen);
  });

  it('serves the script from this origin, and the pages allow no other', async () => {
    const script = await fetch(`${env.base}/assets/console.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toContain("new EventSource('/console/events')");
    const bob = await signIn(env, 'bob');
    const queue = await bob.browser.request(`${env.base}/console/queue`);
    expect(queue.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
    expect(queue.headers.get('content-security-policy')).not.toMatch(/unsafe-inline/);
    const landing = await bob.browser.request(`${env.base}/console`);
    expect(landing.headers.get('content-security-policy')).toMatch(/script-src 'none'/);
  });
});

describe('stopping with event streams open', () => {
  it('ends the streams and stops promptly instead of waiting for them', async () => {
    const app = await startCarepoint({ env: { NODE_ENV: 'development' } });
    let stopped = false;
    try {
      const signedIn = await fetch((await app.carepoint.devSignInLink())!, { redirect: 'manual' });
      const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`))!.split(';')[0]!.split('=')[1]!;
      const streams = await Promise.all([openStream(app.url, cookie), openStream(app.url, cookie)]);
      for (const stream of streams) await stream.until(/retry/);
      const started = Date.now();
      await app.stop();
      stopped = true;
      expect(Date.now() - started).toBeLessThan(3_000);
      for (const stream of streams) await expect.poll(() => stream.ended(), { timeout: 2_000 }).toBe(true);
    } finally {
      if (!stopped) await app.stop();
    }
  });
});
