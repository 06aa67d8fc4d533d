import { afterEach, describe, expect, it } from 'vitest';
import { startSmsWorld, type SmsWorld } from './sms-setup.js';

describe('SMS simulator (GET /dev/sms)', () => {
  let world: SmsWorld | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  it('with SMS_SIMULATOR on loopback, texts Carepoint through the signed webhook without exposing the token', async () => {
    world = await startSmsWorld({ env: { NODE_ENV: 'development', SMS_SIMULATOR: 'true' } });
    const page = await fetch(`${world.carepoint.url}/dev/sms`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Carepoint SMS simulator');
    expect(html).not.toContain(world.twilio.authToken);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'nonce-/);

    const sent = await fetch(`${world.carepoint.url}/dev/sms/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '07911 123456', body: 'hello' }),
    });
    const answer = (await sent.json()) as { status: number; messages: string[]; twiml: string };
    expect(answer.status).toBe(200);
    expect(answer.messages.join(' ')).toContain('Carepoint');
    expect(JSON.stringify(answer)).not.toContain(world.twilio.authToken);

    const outbox = await fetch(`${world.carepoint.url}/dev/sms/outbox?phone=${encodeURIComponent('+447911123456')}`);
    expect(outbox.status).toBe(200);
    expect(await outbox.json()).toEqual({ items: [] });
  });

  it('does not exist unless SMS_SIMULATOR is set, in development on loopback too', async () => {
    world = await startSmsWorld({ env: { NODE_ENV: 'development' } });
    expect((await fetch(`${world.carepoint.url}/dev/sms`)).status).toBe(404);
    expect((await fetch(`${world.carepoint.url}/dev/sms/send`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${world.carepoint.url}/dev/sms/outbox?phone=%2B447911123456`)).status).toBe(404);
  });

  it('refuses requests a proxy passed on (which arrive from loopback when the proxy is on the same host)', async () => {
    world = await startSmsWorld({ env: { NODE_ENV: 'development', SMS_SIMULATOR: 'true' } });
    const url = world.carepoint.url;
    const proxied: Record<string, string>[] = [{ 'x-forwarded-for': '203.0.113.7' }, { forwarded: 'for=203.0.113.7;proto=https' }];
    for (const headers of proxied) {
      expect((await fetch(`${url}/dev/sms`, { headers })).status).toBe(404);
      expect((await fetch(`${url}/dev/sms/outbox?phone=%2B447911123456`, { headers })).status).toBe(404);
      const sent = await fetch(`${url}/dev/sms/send`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ from: '07911 123456', body: 'hello' }),
      });
      expect(sent.status).toBe(404);
    }
    expect(await world.db.query('select 1 from sms_inbound').then((r) => r.rows)).toEqual([]);
  });
});
