import type { Queryable } from '../db/database.js';

/**
 * Every time here is the database's now(), shifted by `aheadSeconds`: 0 in production; a test that wants
 * "ten minutes later" passes 600 (JobRunner.runDue), and leases and retries are counted from that time too.
 */
const AT = `(now() + make_interval(secs => $1::float8))`;

export interface ClaimedJob {
  id: string;
  name: string;
  payload: unknown;
  /** This run's number, from 1; with the id it names this claim (a later claim of the same job has a higher one). */
  attempts: number;
  maxAttempts: number;
  leaseSeconds: number;
}

export interface Claim {
  aheadSeconds: number;
  /** The job names this runner has handlers for, each with its lease. */
  handled: { name: string; leaseSeconds: number }[];
  lockedBy: string;
  limit: number;
}

/**
 * Claims up to `limit` due jobs: waiting ones whose time has come, and running ones whose lease ran out
 * (their runner died) with attempts left. SKIP LOCKED: runners on other instances claim other rows, never
 * wait on these. Each claim counts as an attempt, so a job that keeps killing its runner ends up dead.
 */
export async function claimDueJobs(db: Queryable, claim: Claim): Promise<ClaimedJob[]> {
  const { rows } = await db.query<{ id: string; name: string; payload: unknown; attempts: number; max_attempts: number; lease_seconds: number }>(
    `with handled as (select * from unnest($2::text[], $3::float8[]) as h(name, lease_seconds)),
     due as (
       select j.id, h.lease_seconds from jobs j join handled h on h.name = j.name
       where (j.state = 'pending' and j.run_at <= ${AT})
          or (j.state = 'running' and j.locked_until <= ${AT} and j.attempts < j.max_attempts)
       order by j.run_at, j.id
       limit $4
       for update of j skip locked
     )
     update jobs j set state = 'running', attempts = j.attempts + 1, locked_by = $5,
       locked_until = ${AT} + make_interval(secs => due.lease_seconds)
     from due where j.id = due.id
     returning j.id::text as id, j.name, j.payload, j.attempts, j.max_attempts, due.lease_seconds`,
    [claim.aheadSeconds, claim.handled.map((h) => h.name), claim.handled.map((h) => h.leaseSeconds), claim.limit, claim.lockedBy],
  );
  return rows
    .map((r) => ({ id: r.id, name: r.name, payload: r.payload, attempts: r.attempts, maxAttempts: r.max_attempts, leaseSeconds: r.lease_seconds }))
    .sort((a, b) => Number(a.id) - Number(b.id));
}

/** Running jobs whose lease ran out on their last attempt: dead, as a failure on the last attempt would be. */
export async function buryExpiredLastAttempts(
  db: Queryable,
  aheadSeconds: number,
  names: string[],
): Promise<{ id: string; name: string; payload: unknown; attempts: number }[]> {
  const { rows } = await db.query<{ id: string; name: string; payload: unknown; attempts: number }>(
    `update jobs set state = 'dead', finished_at = now(), locked_by = null, locked_until = null,
       last_error = 'its runner stopped before it finished (the lease ran out), on its last attempt'
     where state = 'running' and locked_until <= ${AT} and attempts >= max_attempts and name = any($2::text[])
     returning id::text as id, name, payload, attempts`,
    [aheadSeconds, names],
  );
  return rows;
}

/** Seconds until the next of these jobs is due (a lease ends, for a running one); null when none waits. */
export async function secondsUntilNextDue(db: Queryable, aheadSeconds: number, names: string[]): Promise<number | null> {
  const { rows } = await db.query<{ seconds: number | null }>(
    `select extract(epoch from least(
       (select min(run_at) from jobs where state = 'pending' and name = any($2::text[])),
       (select min(locked_until) from jobs where state = 'running' and name = any($2::text[]))
     ) - ${AT})::float8 as seconds`,
    [aheadSeconds, names],
  );
  return rows[0]?.seconds ?? null;
}
