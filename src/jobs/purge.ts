import type { Queryable } from '../db/database.js';

/** Deletes finished jobs past their keeping time, a batch at a time so no delete holds locks for long. */
export async function deleteFinishedJobs(q: Queryable, keep: { doneDays: number; deadDays: number }): Promise<number> {
  const { rows } = await q.query(
    `delete from jobs where id in (
       select id from jobs
       where (state in ('done', 'cancelled') and finished_at < now() - make_interval(days => $1::int))
          or (state = 'dead' and finished_at < now() - make_interval(days => $2::int))
       limit 1000)
     returning id`,
    [keep.doneDays, keep.deadDays],
  );
  return rows.length;
}
