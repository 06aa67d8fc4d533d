import { afterEach, describe, expect, it } from 'vitest';
import { startSmsWorld, type SmsWorld } from './sms-setup.js';

describe('SMS simulator (GET /dev/sms)', () => {
  let world: SmsWorld | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  it('in development on loopback, texts Carepoint through the signed webhook without exposing the token', async () => {
    world = await startSmsWorld({ env: { NODE_ENV: 'development' } });
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

  it('does not exist outside development', async () => {
    world = await startSmsWorld();
    expect((await fetch(`${world.carepoint.url}/dev/sms`)).status).toBe(404);
    expect((await fetch(`${world.carepoint.url}/dev/sms/send`, { method: 'POST' })).status).toBe(404);
  });
});
