import { describe, expect, it } from 'vitest';
import { isLoopbackHost, parseConfig } from '../../src/config.js';
import { newReference, findReference, REFERENCE_PATTERN } from '../../src/concerns/reference.js';
import fc from 'fast-check';

describe('configuration', () => {
  it('has safe defaults for every setting', () => {
    const result = parseConfig({});
    expect(result).toMatchObject({ ok: true, config: { PORT: 3978, HOST: '127.0.0.1', DATA_DIR: './data', LOG_LEVEL: 'info' } });
  });

  it('treats empty values as unset', () => {
    const result = parseConfig({ DATABASE_URL: '', MicrosoftAppId: '' });
    expect(result.ok && result.config.DATABASE_URL).toBeUndefined();
  });

  it('names every bad variable and what is wrong with it', () => {
    const result = parseConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', COORDINATOR_DEV_TOKEN: 'short' });
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    expect(errors.find((e) => e.startsWith('PORT: '))).toMatch(/eighty/);
    expect(errors.find((e) => e.startsWith('LOG_LEVEL: '))).toBeDefined();
    expect(errors.find((e) => e.startsWith('DATABASE_URL: '))).toBeDefined();
    // Secrets are never echoed back.
    expect(errors.find((e) => e.startsWith('COORDINATOR_DEV_TOKEN: '))).not.toMatch(/short"/);
  });

  it('requires the app password with an app id, and a hash key in production', () => {
    const result = parseConfig({ MicrosoftAppId: 'abc', NODE_ENV: 'production' });
    const errors = result.ok ? [] : result.errors;
    expect(errors.some((e) => e.startsWith('MicrosoftAppPassword: '))).toBe(true);
    expect(errors.some((e) => e.startsWith('LOG_HASH_SECRET: '))).toBe(true);
  });

  it('turns the SMS simulator on only when asked, and never in production', () => {
    const simulator = (env: Record<string, string>) => {
      const result = parseConfig(env);
      return result.ok ? result.config.SMS_SIMULATOR : result.errors;
    };
    expect(simulator({})).toBe(false);
    expect(simulator({ NODE_ENV: 'development' })).toBe(false);
    expect(simulator({ SMS_SIMULATOR: 'true' })).toBe(true);
    expect(simulator({ SMS_SIMULATOR: 'Yes' })).toBe(true);
    expect(simulator({ SMS_SIMULATOR: '0' })).toBe(false);
    expect(simulator({ SMS_SIMULATOR: 'maybe' })).toEqual([expect.stringMatching(/^SMS_SIMULATOR: /)]);
    const production = { NODE_ENV: 'production', ENTRA_TENANT_ID: 'tenant', ENTRA_CLIENT_ID: 'client', ENTRA_CLIENT_SECRET: 'secret', SESSION_SECRET: 'x'.repeat(32), LOG_HASH_SECRET: 'x', TWILIO_AUTH_TOKEN: 'x', PUBLIC_BASE_URL: 'https://carepoint.example' };
    expect(simulator(production)).toBe(false);
    expect(simulator({ ...production, SMS_SIMULATOR: 'true' })).toEqual([expect.stringMatching(/^SMS_SIMULATOR: must be off in production/)]);
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', '::', 'example.org'].some(isLoopbackHost)).toBe(false);
  });
});

describe('references', () => {
  it('are CP- and six characters without look-alikes, and are found however they are typed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (bytes) => {
        const reference = newReference(() => bytes);
        expect(reference).toMatch(REFERENCE_PATTERN);
        expect(reference.slice(3)).not.toMatch(/[OI01]/);
        expect(findReference(`whats happening with ${reference.toLowerCase().replace('-', ' ')}?`)).toBe(reference);
      }),
    );
  });
});

describe('documentation of settings', () => {
  it('names every setting in .env.example and in the README', async () => {
    const { readFileSync } = await import('node:fs');
    const { configSchema } = await import('../../src/config.js');
    const envExample = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const names = Object.keys((configSchema as unknown as { shape?: object }).shape ?? (configSchema as unknown as { in: { shape: object } }).in.shape);
    expect(names.length).toBeGreaterThan(15);
    for (const name of names) {
      expect(envExample, `.env.example lacks ${name}`).toMatch(new RegExp(`^${name}=`, 'm'));
      expect(readme, `README lacks ${name}`).toContain(`\`${name}\``);
    }
  });
});

describe('console sign-in settings', () => {
  const production = { NODE_ENV: 'production', LOG_HASH_SECRET: 'x', TWILIO_AUTH_TOKEN: 'x', PUBLIC_BASE_URL: 'https://carepoint.example' };
  const entra = { ENTRA_TENANT_ID: 'tenant', ENTRA_CLIENT_ID: 'client', ENTRA_CLIENT_SECRET: 'secret' };
  const errorsOf = (env: Record<string, string>) => {
    const result = parseConfig(env);
    return result.ok ? [] : result.errors;
  };

  it('production refuses a console without Entra ID, and a missing or short SESSION_SECRET, naming the variable', () => {
    expect(errorsOf(production)).toEqual(expect.arrayContaining([
      expect.stringMatching(/^ENTRA_CLIENT_ID: is required in production/),
      expect.stringMatching(/^SESSION_SECRET: is required in production/),
    ]));
    expect(errorsOf({ ...production, ...entra })).toEqual([expect.stringMatching(/^SESSION_SECRET: is required in production/)]);
    const short = errorsOf({ ...production, ...entra, SESSION_SECRET: 'too-short' });
    expect(short).toEqual([expect.stringMatching(/^SESSION_SECRET: must be at least 32 characters$/)]); // never echoed
    expect(errorsOf({ ...production, ...entra, SESSION_SECRET: 'x'.repeat(32) })).toEqual([]);
  });

  it('Entra ID needs an application id, a tenant (or authority) and a secret or certificate', () => {
    expect(errorsOf({ ENTRA_CLIENT_ID: 'client' })).toEqual([
      expect.stringMatching(/^ENTRA_TENANT_ID: /),
      expect.stringMatching(/^ENTRA_CLIENT_SECRET: /),
    ]);
    expect(errorsOf({ ENTRA_CLIENT_ID: 'client', ENTRA_AUTHORITY: 'https://login.microsoftonline.us/t/v2.0', ENTRA_CERTIFICATE_KEY_FILE: '/k.pem' }))
      .toEqual([expect.stringMatching(/^ENTRA_CERTIFICATE_THUMBPRINT: /)]);
    expect(errorsOf({ ...entra, ENTRA_AUTHORITY: 'http://login.example' })).toEqual([expect.stringMatching(/^ENTRA_AUTHORITY: /)]);
    expect(errorsOf({ ENTRA_TENANT_ID: 'tenant' })).toEqual(expect.arrayContaining([expect.stringMatching(/^ENTRA_CLIENT_ID: /)]));
  });
});
