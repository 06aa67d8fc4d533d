import type { Queryable } from '../db/database.js';

/** A token bucket: up to `burst` at once, then `perSecond` on average. */
export interface RateLimit {
  /** Names the limit: buckets of different limits never mix. */
  scope: string;
  burst: number;
  perSecond: number;
}

export type Verdict = { allowed: true } | { allowed: false; retryAfterSeconds: number; firstRefusal: boolean };

// The bucket's tokens now: what it had, refilled for the time since, never above the burst (database clock).
const REFILLED = `least($3::float8, b.tokens + extract(epoch from (now() - b.refilled_at))::float8 * $4::float8)`;

/**
 * Takes one token from the source's bucket, or says how long until there is one. One statement on the
 * database's clock, so every instance shares the bucket and none can be out of step with another.
 */
export async function takeToken(db: Queryable, limit: RateLimit, source: string): Promise<Verdict> {
  const { rows } = await db.query<BucketRow>(
    `insert into rate_buckets as b (scope, source, tokens, refilled_at)
     values ($1, $2, $3::float8 - 1, now())
     on conflict (scope, source) do update set
       tokens = case when ${REFILLED} >= 1 then ${REFILLED} - 1 else ${REFILLED} end,
       refused_since = case when ${REFILLED} >= 1 then null else coalesce(b.refused_since, now()) end,
       refusals = case when ${REFILLED} >= 1 then 0 else b.refusals + 1 end,
       refilled_at = now()
     returning tokens, refused_since is not null as refused, refusals = 1 as first_refusal`,
    [limit.scope, source, limit.burst, limit.perSecond],
  );
  return verdictOf(rows[0]!, limit);
}

/** Whether the source's bucket is empty now, without taking from it (nothing is written). */
export async function isBucketEmpty(db: Queryable, limit: RateLimit, source: string): Promise<boolean> {
  const { rows } = await db.query<{ tokens: number }>(
    `select ${REFILLED} as tokens from rate_buckets b where scope = $1 and source = $2`,
    [limit.scope, source, limit.burst, limit.perSecond],
  );
  return rows[0] !== undefined && Number(rows[0].tokens) < 1;
}

/** Forgets buckets untouched for an hour: refilled by then for any limit Carepoint sets. */
export async function sweepRateBuckets(db: Queryable): Promise<void> {
  await db.query(`delete from rate_buckets where refilled_at < now() - interval '1 hour'`);
}

interface BucketRow {
  tokens: number;
  refused: boolean;
  /** This statement began the run of refusals. */
  first_refusal: boolean | null;
}

function verdictOf(row: BucketRow, limit: RateLimit): Verdict {
  if (!row.refused) return { allowed: true };
  const tokens = Number(row.tokens);
  return {
    allowed: false,
    retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / limit.perSecond)),
    firstRefusal: row.first_refusal === true,
  };
}
