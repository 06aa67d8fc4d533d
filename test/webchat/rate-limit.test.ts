import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { ClientRateLimiter, clientKey } from '../../src/channels/webchat/rate-limit.js';

/** The token bucket behind the chat-start limits, on a clock that moves only when told. */
describe('per-client rate limiter', () => {
  const limit = { burst: 3, perSecond: 1 };

  it('lets a burst through, then refuses with the seconds until the next request may come', () => {
    const limiter = new ClientRateLimiter(limit, new ManualClock(new Date('2026-03-02T09:00:00Z')));
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1, firstRefusal: true });
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1, firstRefusal: false });
  });

  it('refills at the sustained rate, never above the burst', () => {
    const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
    const limiter = new ClientRateLimiter(limit, clock);
    for (let i = 0; i < 3; i++) limiter.take('a');
    clock.advance(1000);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    clock.advance(60 * 60_000);
    expect([1, 2, 3, 4].map(() => limiter.take('a').allowed)).toEqual([true, true, true, false]);
  });

  it('reports a new run of refusals once the client has been let through again', () => {
    const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
    const limiter = new ClientRateLimiter(limit, clock);
    for (let i = 0; i < 3; i++) limiter.take('a');
    expect(limiter.take('a')).toMatchObject({ firstRefusal: true });
    clock.advance(1000);
    limiter.take('a');
    expect(limiter.take('a')).toMatchObject({ firstRefusal: true });
  });

  it('keeps one bucket per client, and forgets idle clients', () => {
    const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
    const limiter = new ClientRateLimiter(limit, clock);
    for (let i = 0; i < 3; i++) limiter.take('a');
    expect(limiter.take('a').allowed).toBe(false);
    expect(limiter.take('b').allowed).toBe(true);
    clock.advance(2 * 60_000);
    limiter.take('c');
    expect(limiter.size).toBe(1);
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
