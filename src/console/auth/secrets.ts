import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, base64url: session ids, CSRF secrets, PKCE state and nonce, dev sign-in tokens. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps of a secret token: a lookup key that signs no one in. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

export function equalSecrets(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `value.mac`: a cookie value that cannot be altered without SESSION_SECRET. */
export function signValue(value: string, secret: string): string {
  return `${value}.${createHmac('sha256', secret).update(value).digest('base64url')}`;
}

/** The value, when its MAC is right; undefined for anything altered or made up (checked before any database read). */
export function verifySignedValue(signed: string, secret: string): string | undefined {
  const dot = signed.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const value = signed.slice(0, dot);
  return equalSecrets(signValue(value, secret), signed) ? value : undefined;
}
