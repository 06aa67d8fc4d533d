import type { Request } from 'restify';
import { describe, expect, it } from 'vitest';
import { DevTokenAuthenticator } from '../../src/http/coordinator-auth.js';

const request = (authorization?: string) => ({ header: (name: string) => (name === 'authorization' ? authorization : undefined) }) as unknown as Request;
const TOKEN = 'dev-token-0123456789abcdef';

describe('development co-ordinator token', () => {
  it('accepts the token only as a bearer token, only on loopback', async () => {
    expect(await new DevTokenAuthenticator(TOKEN, true).authenticate(request(`Bearer ${TOKEN}`))).not.toBeNull();
    expect(await new DevTokenAuthenticator(TOKEN, false).authenticate(request(`Bearer ${TOKEN}`))).toBeNull();
    expect(await new DevTokenAuthenticator(TOKEN, true).authenticate(request(TOKEN))).toBeNull();
    expect(await new DevTokenAuthenticator(TOKEN, true).authenticate(request(`Bearer ${TOKEN}x`))).toBeNull();
    expect(await new DevTokenAuthenticator(undefined, true).authenticate(request('Bearer '))).toBeNull();
  });
});
