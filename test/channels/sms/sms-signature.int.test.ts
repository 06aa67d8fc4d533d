import { afterEach, describe, expect, it } from 'vitest';
import { SmsPhone } from '../../support/sms-phone.js';
import { count, startSmsWorld, type SmsWorld } from './sms-setup.js';

const PATIENT = '+447911123456';

describe('SMS webhook signature (X-Twilio-Signature)', () => {
  let world: SmsWorld | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  async function expectNothingStored(w: SmsWorld) {
    expect(await count(w.db, 'sms_inbound')).toBe(0);
    expect(await count(w.db, 'messages')).toBe(0);
    expect(await count(w.db, 'conversations')).toBe(0);
  }

  function rejections(w: SmsWorld) {
    return w.carepoint.logLines().filter((l) => l.event === 'sms-signature-rejected');
  }

  it('accepts a correctly signed webhook and answers in TwiML', async () => {
    world = await startSmsWorld();
    const answer = await world.phone(PATIENT).text('hello');
    expect(answer.status).toBe(200);
    expect(answer.twiml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?><Response><Message>/);
    expect(answer.text).toContain('Carepoint');
  });

  it('refuses a webhook with no signature: 403, nothing stored, one log line without content', async () => {
    world = await startSmsWorld();
    const answer = await world.phone(PATIENT).text('my secret symptoms', {}, { signature: null });
    expect(answer.status).toBe(403);
    await expectNothingStored(world);
    expect(rejections(world)).toEqual([expect.objectContaining({ reason: 'missing', route: 'inbound' })]);
    expect(world.carepoint.logText()).not.toContain('secret symptoms');
    expect(world.carepoint.logText()).not.toContain('7911123456');
  });

  it('refuses a webhook whose body was changed after signing', async () => {
    world = await startSmsWorld();
    const answer = await world.phone(PATIENT).text('hello', {}, { tamper: (p) => ({ ...p, Body: 'something else' }) });
    expect(answer.status).toBe(403);
    await expectNothingStored(world);
    expect(rejections(world)).toEqual([expect.objectContaining({ reason: 'invalid' })]);
  });

  it('refuses a webhook signed for another URL', async () => {
    world = await startSmsWorld();
    const phone = world.phone(PATIENT);
    expect((await phone.text('hello', {}, { signedUrl: `${world.carepoint.url}/api/sms?x=1` })).status).toBe(403);
    expect((await phone.text('hello', {}, { signedUrl: 'http://evil.example.org/api/sms' })).status).toBe(403);
    await expectNothingStored(world);
  });

  it('refuses a webhook signed with another auth token', async () => {
    world = await startSmsWorld();
    const answer = await world.phone(PATIENT).text('hello', {}, { token: 'not-the-auth-token-0000000000000' });
    expect(answer.status).toBe(403);
    await expectNothingStored(world);
  });

  it('behind a TLS-terminating proxy, checks against PUBLIC_BASE_URL and ignores forwarded headers', async () => {
    world = await startSmsWorld({ env: { PUBLIC_BASE_URL: 'https://carepoint.example.nhs.uk' } });
    const viaProxy = new SmsPhone(world.carepoint.url, world.twilio, PATIENT, 'https://carepoint.example.nhs.uk');
    const answer = await viaProxy.text('hello');
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('Carepoint');
    // Signed for the socket's own http address, with forwarded headers claiming it: still refused.
    const forwarded = { 'x-forwarded-proto': 'http', 'x-forwarded-host': new URL(world.carepoint.url).host };
    expect((await world.phone(PATIENT).text('hello', {}, { headers: forwarded })).status).toBe(403);
  });

  it('with no TWILIO_AUTH_TOKEN refuses every request, and says so at start-up', async () => {
    world = await startSmsWorld({ env: { TWILIO_AUTH_TOKEN: '' } });
    const answer = await world.phone(PATIENT).text('hello');
    expect(answer.status).toBe(403);
    expect(await count(world.db, 'sms_inbound')).toBe(0);
    expect(rejections(world)).toEqual([expect.objectContaining({ reason: 'not-configured' })]);
    expect(world.carepoint.logLines().some((l) => l.event === 'sms-not-configured')).toBe(true);
  });

  it('refuses a status callback with no or a wrong signature', async () => {
    world = await startSmsWorld();
    const phone = world.phone(PATIENT);
    const params = { MessageSid: 'SM0123456789abcdef0123456789abcdef', MessageStatus: 'delivered', AccountSid: world.twilio.accountSid };
    expect((await phone.post('/api/sms/status', params, { signature: null })).status).toBe(403);
    expect((await phone.post('/api/sms/status', params, { token: 'wrong-token-wrong-token-wrong-tok' })).status).toBe(403);
    expect(rejections(world)).toEqual([
      expect.objectContaining({ reason: 'missing', route: 'status' }),
      expect.objectContaining({ reason: 'invalid', route: 'status' }),
    ]);
  });
});
