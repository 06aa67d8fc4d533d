import type { Queryable } from '../../../db/database.js';
import { EFFECTIVE_STATUS_SQL } from '../../../concerns/concern-queue.js';
import { PAGE_STEP_JOB } from '../start-paging.js';

const UNCLAIMED = `${EFFECTIVE_STATUS_SQL} = 'open' and priority in ('emergency', 'urgent')`;

/** The unclaimed emergency or urgent concern waiting longest, with when it was raised (the app's clock stamps it). */
export async function oldestUnclaimed(q: Queryable): Promise<{ id: string; reference: string; priority: string; createdAt: Date } | undefined> {
  const { rows } = await q.query<{ id: string; reference: string; priority: string; created_at: Date }>(
    `select id, reference, priority, created_at from concerns where ${UNCLAIMED} order by created_at, id limit 1`,
  );
  const row = rows[0];
  return row ? { id: row.id, reference: row.reference, priority: row.priority, createdAt: new Date(row.created_at) } : undefined;
}

/** Unclaimed emergency and urgent concerns with no paging chain (a crash between raising and scheduling, a lease that ran out). */
export async function unpagedConcerns(q: Queryable): Promise<{ id: string; priority: string }[]> {
  const { rows } = await q.query<{ id: string; priority: string }>(
    `select id, priority from concerns where ${UNCLAIMED}
       and not exists (select 1 from jobs j where j.singleton_key = 'paging:' || concerns.id::text and j.state in ('pending', 'running'))
     order by created_at limit 100`,
  );
  return rows;
}

/**
 * Whether paging is failing: the latest page outcome (in the last `withinMinutes`) is a failure. One success
 * since ends it.
 */
export async function pagingFailing(q: Queryable, withinMinutes: number): Promise<{ failing: boolean; failures: number }> {
  const { rows } = await q.query<{ kind: string | null; failures: number }>(
    `select (select kind from concern_events where kind in ('paged', 'page-failed') and created_at > now() - make_interval(mins => $1::int)
             order by created_at desc, id desc limit 1) as kind,
            (select count(*)::int from concern_events where kind = 'page-failed' and created_at > now() - make_interval(mins => $1::int)) as failures`,
    [withinMinutes],
  );
  const row = rows[0]!;
  return { failing: row.kind === 'page-failed', failures: row.failures };
}

/** Page steps overdue by more than `graceSeconds` on the database clock: nobody is running jobs. */
export async function overduePageSteps(q: Queryable, graceSeconds: number): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `select count(*)::int as n from jobs where name = $1 and state = 'pending' and run_at < now() - make_interval(secs => $2::float8)`,
    [PAGE_STEP_JOB, graceSeconds],
  );
  return rows[0]!.n;
}

export async function recordWatchdogRun(q: Queryable): Promise<void> {
  await q.query(`insert into paging_watchdog (id, last_run_at) values (1, now()) on conflict (id) do update set last_run_at = now()`);
}

/** Seconds since the watchdog last ran (database clock); null if it never has. */
export async function watchdogAgeSeconds(q: Queryable): Promise<number | null> {
  const { rows } = await q.query<{ age: number | null }>(`select extract(epoch from now() - (select last_run_at from paging_watchdog where id = 1))::float8 as age`);
  return rows[0]?.age ?? null;
}
