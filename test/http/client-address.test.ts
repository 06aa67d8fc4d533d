import { describe, expect, it } from 'vitest';
import { clientAddress, clientKey, TrustedProxies } from '../../src/http/client-address.js';
import { parseConfig } from '../../src/config.js';

const request = (peer: string, forwarded?: string) => ({
  socket: { remoteAddress: peer },
  header: (name: string) => (name === 'x-forwarded-for' ? forwarded : undefined),
});

describe('the client a request comes from (TRUSTED_PROXIES)', () => {
  const proxies = new TrustedProxies(['10.0.0.0/8', '2001:db8:1::/48', '192.0.2.10']);

  it('is the connection itself unless that is a trusted proxy; X-Forwarded-For from anyone else is ignored', () => {
    expect(clientAddress(request('203.0.113.7', '198.51.100.1'), proxies)).toBe('203.0.113.7');
    expect(clientAddress(request('::ffff:203.0.113.7'), proxies)).toBe('203.0.113.7');
    expect(clientAddress(request('10.1.2.3', '198.51.100.1'), new TrustedProxies([]))).toBe('10.1.2.3');
  });

  it('behind trusted proxies is the right-most hop that is not one of them', () => {
    expect(clientAddress(request('10.1.2.3', '198.51.100.1'), proxies)).toBe('198.51.100.1');
    // The client wrote the left-most entry itself: it proves nothing.
    expect(clientAddress(request('10.1.2.3', '1.2.3.4, 198.51.100.1, 192.0.2.10'), proxies)).toBe('198.51.100.1');
    expect(clientAddress(request('2001:db8:1::5', '[2001:db8:9::1]:443'), proxies)).toBe('2001:db8:9::1');
    expect(clientAddress(request('10.1.2.3', '198.51.100.1:5000'), proxies)).toBe('198.51.100.1');
  });

  it('takes the proxy itself when the header is missing, and believes nothing past a malformed entry', () => {
    expect(clientAddress(request('10.1.2.3'), proxies)).toBe('10.1.2.3');
    expect(clientAddress(request('10.1.2.3', '198.51.100.1, not-an-address'), proxies)).toBe('10.1.2.3');
    expect(clientAddress(request('10.1.2.3', '10.9.9.9, 10.8.8.8'), proxies)).toBe('10.9.9.9');
  });

  it('is validated at start-up, naming the variable', () => {
    expect(parseConfig({ TRUSTED_PROXIES: '10.0.0.0/8, ::1' })).toMatchObject({ ok: true, config: { TRUSTED_PROXIES: ['10.0.0.0/8', '::1'] } });
    const bad = parseConfig({ TRUSTED_PROXIES: '10.0.0.0/33,proxy.local' });
    expect(bad.ok ? [] : bad.errors).toEqual(expect.arrayContaining([expect.stringMatching(/^TRUSTED_PROXIES\.\d: /)]));
  });

  it('limits IPv4 by address and IPv6 by /64, ignoring the IPv4-mapped form', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('2001:db8:abcd:12:1:2:3:4')).toBe('2001:db8:abcd:12::/64');
    expect(clientKey('2001:0db8:abcd:0012::99')).toBe('2001:db8:abcd:12::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey(undefined)).toBe('unknown');
  });
});

describe('development mode on a network address', () => {
  it('refuses to start, naming HOST and NODE_ENV', () => {
    for (const env of [{ HOST: '0.0.0.0' }, { HOST: '192.168.1.20', NODE_ENV: 'development' }, { HOST: '::', NODE_ENV: 'test' }]) {
      const result = parseConfig(env);
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.errors.join('\n')).toMatch(/^HOST: must be a loopback address .*NODE_ENV is (development|test)/m);
    }
    expect(parseConfig({ HOST: '127.0.0.1' }).ok).toBe(true);
    expect(parseConfig({ HOST: '0.0.0.0', NODE_ENV: 'production', ENTRA_TENANT_ID: 'tenant', ENTRA_CLIENT_ID: 'client', ENTRA_CLIENT_SECRET: 'secret', SESSION_SECRET: 'x'.repeat(32), LOG_HASH_SECRET: 'x', TWILIO_AUTH_TOKEN: 'y', PUBLIC_BASE_URL: 'https://carepoint.example' }).ok).toBe(true);
  });
});
