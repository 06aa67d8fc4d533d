import type { Next, Request, Response } from 'restify';
import type { Queryable } from '../db/database.js';
import type { LoggedRequest } from '../http/server.js';
import { isBucketEmpty, sweepRateBuckets, takeToken, type RateLimit, type Verdict } from './rate-buckets.js';

/** How often one instance clears out buckets nobody has used for an hour. */
const SWEEP_EVERY_MS = 10 * 60_000;

/** One limit, per source, shared by every instance through the database (rate_buckets). */
export class SourceLimiter {
  private lastSweep = Date.now();

  constructor(
    private readonly db: Queryable,
    readonly limit: RateLimit,
  ) {}

  /** Takes one request's worth from the source's bucket. */
  take(source: string): Promise<Verdict> {
    this.sweepNowAndThen();
    return takeToken(this.db, this.limit, source);
  }

  /** For limits on failures: the source may not try again while its bucket is empty. */
  exhausted(source: string): Promise<boolean> {
    return isBucketEmpty(this.db, this.limit, source);
  }

  private sweepNowAndThen(): void {
    if (Date.now() - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = Date.now();
    // Housekeeping only: a failed sweep is tried again next time.
    sweepRateBuckets(this.db).catch(() => undefined);
  }
}

/**
 * A restify handler that lets the request through or answers 429 with Retry-After. The first refusal of a
 * run is logged once, with no address (an IP address is personal data); later ones are not, so a flood
 * cannot flood the log.
 */
export function limitPerSource(limiter: SourceLimiter, sourceOf: (req: Request) => string, endpoint: string) {
  // restify wants a callback-style handler when it takes `next`.
  return (req: Request, res: Response, next: Next): void => {
    limiter.take(sourceOf(req)).then(
      (verdict) => {
        if (verdict.allowed) return next();
        refuse(req, res, verdict, endpoint);
        next(false);
      },
      (err: unknown) => {
        // Storage down: the request would fail anyway; let its own handler answer it.
        (req as LoggedRequest).carepointLog.error({ err, event: 'rate-limit-unavailable', endpoint }, 'rate limit could not be checked');
        next();
      },
    );
  };
}

/** The 429 answer every per-source limit gives. */
export function refuse(req: Request, res: Response, verdict: Extract<Verdict, { allowed: false }>, endpoint: string, message = 'too many requests: please wait a moment and try again'): void {
  if (verdict.firstRefusal) {
    (req as LoggedRequest).carepointLog.warn(
      { event: 'rate-limited', endpoint, retryAfterSeconds: verdict.retryAfterSeconds },
      'too many requests from one client',
    );
  }
  res.setHeader('retry-after', String(verdict.retryAfterSeconds));
  res.setHeader('cache-control', 'no-store');
  res.send(429, { error: message });
}
