import type { Request, Response, Next } from 'restify';
import type { Clock } from '../../clock.js';
import type { LoggedRequest } from '../../http/server.js';

/** A token bucket: up to `burst` requests at once, then `perSecond` on average. */
export interface RateLimit {
  burst: number;
  perSecond: number;
}

/**
 * Starting a chat (a token, then the conversation) per client address. A patient uses one of each per chat
 * (reloading the page resumes without either), so this only stops scripted floods. The burst is above the
 * 10 one client needs because many patients can share one address: a surgery's or a hospital's wifi.
 */
export const WEBCHAT_START_LIMIT: RateLimit = { burst: 20, perSecond: 1 };

interface Bucket {
  tokens: number;
  at: number;
  /** A refusal has been logged since this client was last let through. */
  reported: boolean;
}

export type Verdict = { allowed: true } | { allowed: false; retryAfterSeconds: number; firstRefusal: boolean };

/** How often idle clients (full buckets) are forgotten, so the map holds only recently active addresses. */
const SWEEP_EVERY_MS = 60_000;

/** Per-client token buckets in memory (per instance: behind several instances the limit is per instance). */
export class ClientRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock,
  ) {
    this.lastSweep = clock.now().getTime();
  }

  /** Takes one request's worth from this client's bucket, or says how long until there is one. */
  take(client: string): Verdict {
    const now = this.clock.now().getTime();
    this.sweep(now);
    const bucket = this.buckets.get(client) ?? { tokens: this.limit.burst, at: now, reported: false };
    bucket.tokens = this.refilled(bucket, now);
    bucket.at = now;
    this.buckets.set(client, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      bucket.reported = false;
      return { allowed: true };
    }
    const firstRefusal = !bucket.reported;
    bucket.reported = true;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.perSecond)), firstRefusal };
  }

  /** How many clients are remembered (for tests). */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(bucket: Bucket, now: number): number {
    return Math.min(this.limit.burst, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * this.limit.perSecond);
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [client, bucket] of this.buckets) {
      if (this.refilled(bucket, now) >= this.limit.burst) this.buckets.delete(client);
    }
  }
}

/**
 * The key a connection is limited by: its IPv4 address, or its IPv6 /64 (one household or phone gets a whole
 * /64, so single IPv6 addresses would cost an attacker nothing). The socket's own address, never
 * X-Forwarded-For, which any client can write: behind a proxy every patient shares the proxy's bucket.
 */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/**
 * A restify handler that lets the request through or answers 429 with Retry-After. The first refusal of a
 * run is logged once, with no address (an IP address is personal data); later ones are not, so a flood
 * cannot flood the log.
 */
export function limitPerClient(limiter: ClientRateLimiter, endpoint: 'token' | 'conversation-start') {
  return (req: Request, res: Response, next: Next): void => {
    const verdict = limiter.take(clientKey(req.socket.remoteAddress));
    if (verdict.allowed) {
      next();
      return;
    }
    if (verdict.firstRefusal) {
      (req as LoggedRequest).carepointLog.warn(
        { event: 'webchat-rate-limited', endpoint, retryAfterSeconds: verdict.retryAfterSeconds },
        'too many chat starts from one client address',
      );
    }
    res.setHeader('retry-after', String(verdict.retryAfterSeconds));
    res.setHeader('cache-control', 'no-store');
    res.send(429, { error: 'too many requests: please wait a moment and try again' });
    next(false);
  };
}
