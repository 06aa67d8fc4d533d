import { notify, type Queryable } from '../db/database.js';
import { storableJson } from '../db/storable.js';

/** Where schedule() tells runners a job is waiting; the payload is how many milliseconds until it is due. */
export const JOBS_CHANNEL = 'carepoint_jobs';

export const DEFAULT_MAX_ATTEMPTS = 5;

export interface NewJob {
  /** Which handler runs it (JobRunner.register). */
  name: string;
  /** JSON, stored with the job and handed to its handler. Never logged. */
  payload?: unknown;
  /**
   * When, in seconds after the database's now() (default 0: at once). This is the way to say "in ten
   * minutes": the runners decide due-ness by the same clock, so instances agree and tests can move it
   * (JobRunner.runDue's asIfSecondsLater).
   */
  inSeconds?: number;
  /** An absolute time instead, compared with the database's clock: from the system clock, never a test clock. */
  runAt?: Date;
  /** At most one job with this key waits at a time: scheduling it again while one waits does nothing. */
  singletonKey?: string;
  maxAttempts?: number;
}

/**
 * Adds a job. Pass the caller's transaction, so the timer is committed (or rolled back) with the change it
 * belongs to; runners hear of it when that transaction commits. Returns the job's id, or undefined when a job
 * with the same singletonKey is already waiting (that one is kept as it is: its time and payload stand).
 */
export async function schedule(q: Queryable, job: NewJob): Promise<string | undefined> {
  const { rows } = await q.query<{ id: string; due_in_ms: number }>(
    `insert into jobs (name, payload, run_at, singleton_key, max_attempts)
     values ($1, $2::jsonb, coalesce($3::timestamptz, now() + make_interval(secs => $4::float8)), $5, $6)
     on conflict (singleton_key) where state = 'pending' and singleton_key is not null do nothing
     returning id::text as id, (extract(epoch from run_at - now()) * 1000)::float8 as due_in_ms`,
    [
      job.name, storableJson(job.payload ?? {}), job.runAt ?? null, job.inSeconds ?? 0, job.singletonKey ?? null,
      job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    ],
  );
  const row = rows[0];
  if (!row) return undefined;
  await notify(q, JOBS_CHANNEL, String(Math.max(0, Math.round(row.due_in_ms))));
  return row.id;
}

/**
 * Cancels the job with this key that is waiting, or running (its handler finishes, but it is not retried
 * or run again after a crash). Returns how many were cancelled: 0 when none was waiting or running.
 */
export async function cancel(q: Queryable, singletonKey: string): Promise<number> {
  const { rows } = await q.query(
    `update jobs set state = 'cancelled', finished_at = now(), locked_by = null, locked_until = null
     where singleton_key = $1 and state in ('pending', 'running')
     returning id`,
    [singletonKey],
  );
  return rows.length;
}
