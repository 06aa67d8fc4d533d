import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBotFrameworkIssuer } from '../support/fake-bot-framework-issuer.js';
import { startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';

const APP_ID = '00000000-0000-4000-8000-00000000c0de';
const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';

/**
 * Azure Bot Service authentication for real: the CloudAdapter's own token validation, pointed through
 * configuration at a local OpenID issuer that signs channel tokens. Nothing is mocked inside Carepoint.
 */
describe('Bot Framework authentication against a local OpenID issuer', () => {
  let issuer: FakeBotFrameworkIssuer;
  let carepoint: RunningCarepoint;

  beforeAll(async () => {
    issuer = await new FakeBotFrameworkIssuer().start();
    carepoint = await startCarepoint({
      env: {
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: 'not-used-with-expect-replies',
        ToBotFromChannelOpenIdMetadataUrl: issuer.metadataUrl,
        ToBotFromEmulatorOpenIdMetadataUrl: issuer.metadataUrl,
        ToBotFromChannelTokenIssuer: issuer.issuer,
        ToChannelFromBotLoginUrl: `${issuer.url}/botframework.com`,
        ValidateAuthority: 'false',
      },
    });
  });
  afterAll(async () => {
    await carepoint?.stop();
    await issuer?.stop();
  });

  const send = async (authorization: string | undefined, activity: Record<string, unknown> = {}) => {
    const conversation = `auth-${randomUUID()}`;
    const response = await fetch(`${carepoint.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({
        type: 'message', id: randomUUID(), text: 'what is an eGFR blood test', channelId: 'msteams', serviceUrl: SERVICE_URL,
        from: { id: 'teams-user' }, recipient: { id: APP_ID }, conversation: { id: conversation }, deliveryMode: 'expectReplies',
        ...activity,
      }),
    });
    const stored = await carepoint.carepoint.db.query(`select 1 from messages where conversation_id = $1`, [`bf:msteams:${conversation}`]);
    return { status: response.status, body: await response.text(), recorded: stored.rows.length > 0 };
  };
  const bearer = async (...args: Parameters<FakeBotFrameworkIssuer['token']>) => `Bearer ${await issuer.token(...args)}`;

  it('accepts a valid channel token (200) and answers', async () => {
    const result = await send(await bearer({ aud: APP_ID, serviceurl: SERVICE_URL }));
    expect(result.status).toBe(200);
    expect(result.body).toMatch(/eGFR/);
    expect(result.recorded).toBe(true);
  });

  const refused: [string, () => Promise<string | undefined>][] = [
    ['a missing token', async () => undefined],
    ['a token for another bot (wrong audience)', () => bearer({ aud: 'someone-elses-bot', serviceurl: SERVICE_URL })],
    ['a token from another issuer', () => bearer({ aud: APP_ID, serviceurl: SERVICE_URL }, { issuer: 'https://api.botframework.com' })],
    ['an expired token (past the 5 minutes of clock skew allowed)', () => bearer({ aud: APP_ID, serviceurl: SERVICE_URL }, { expiresInSeconds: -10 * 60 })],
    ['a token with a bad signature', () => bearer({ aud: APP_ID, serviceurl: SERVICE_URL }, { impostor: true })],
    ['a token whose serviceurl is not the activity\'s', () => bearer({ aud: APP_ID, serviceurl: 'https://attacker.example/' })],
    ['a token without a serviceurl claim', () => bearer({ aud: APP_ID })],
    ['something that is not a JWT', async () => 'Bearer not.a.token'],
  ];
  for (const [what, authorization] of refused) {
    it(`refuses ${what} (401 or 403), and processes nothing`, async () => {
      const result = await send(await authorization());
      expect([401, 403]).toContain(result.status);
      expect(result.body).not.toMatch(/eGFR/);
      expect(result.recorded).toBe(false);
    });
  }

  it('refuses a valid token replayed with another serviceUrl in the activity', async () => {
    const result = await send(await bearer({ aud: APP_ID, serviceurl: SERVICE_URL }), { serviceUrl: 'https://attacker.example/' });
    expect([401, 403]).toContain(result.status);
    expect(result.recorded).toBe(false);
  });
});
