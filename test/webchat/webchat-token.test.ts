import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { Forbidden, Unauthorized } from '../../src/http/errors.js';
import { WebChatTokens, bearerToken, newConversationId, newUserId } from '../../src/channels/webchat/webchat-token.js';

const KEY = 'a-key-that-is-at-least-thirty-two-chars';
const claims = { conversationId: 'wc-abc', userId: 'dl_xyz' };

describe('web chat tokens', () => {
  it('carry their conversation and user, and last 30 minutes', () => {
    const clock = new ManualClock(new Date('2026-01-01T10:00:00Z'));
    const tokens = new WebChatTokens(KEY, clock);
    const { token, expiresIn } = tokens.issue(claims);
    expect(expiresIn).toBe(1800);
    expect(tokens.verify(token)).toEqual(claims);
    clock.advance(1799_000);
    expect(tokens.verify(token)).toEqual(claims);
    clock.advance(1_000);
    expect(() => tokens.verify(token)).toThrow(Forbidden);
  });

  it('cannot be altered: a changed conversation breaks the signature', () => {
    const tokens = new WebChatTokens(KEY, new ManualClock(new Date()));
    const [version, payload, signature] = tokens.issue(claims).token.split('.');
    const changed = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    changed.c = 'wc-someone-else';
    const forged = `${version}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${signature}`;
    expect(() => tokens.verify(forged)).toThrow(Unauthorized);
  });

  it('are only valid under the key that signed them', () => {
    const clock = new ManualClock(new Date());
    const token = new WebChatTokens(KEY, clock).issue(claims).token;
    expect(() => new WebChatTokens(`${KEY}-other`, clock).verify(token)).toThrow(Unauthorized);
    // Without a configured key each process has its own.
    expect(() => new WebChatTokens(undefined, clock).verify(new WebChatTokens(undefined, clock).issue(claims).token)).toThrow(Unauthorized);
  });

  it.each(['', 'abc', 'cpwc1..', 'cpwc1.e30.sig', 'cpwc1.a.b.c', 'Bearer x'])('refuse %j', (token) => {
    expect(() => new WebChatTokens(KEY, new ManualClock(new Date())).verify(token)).toThrow(Unauthorized);
  });

  it('come from an Authorization: Bearer header only', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(() => bearerToken(undefined)).toThrow(Unauthorized);
    expect(() => bearerToken('Basic abc')).toThrow(Unauthorized);
  });

  it('name conversations and users with URL-safe random ids (users dl_ as Direct Line requires)', () => {
    expect(newConversationId()).toMatch(/^wc-[A-Za-z0-9_-]{20}$/);
    expect(newUserId()).toMatch(/^dl_[A-Za-z0-9_-]{20}$/);
    expect(newUserId()).not.toBe(newUserId());
  });
});
