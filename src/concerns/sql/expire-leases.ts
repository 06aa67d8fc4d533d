import type { Queryable } from '../../db/database.js';

/**
 * Puts every concern whose claim ran out (claimed_until before the database's now()) back in the queue, highlighted,
 * with a 'lease-expired' event naming who held it. Any instance may run it at any time: a row is expired once, by
 * whichever sweep locks it first. Reads never wait for it: they already treat a run-out claim as none.
 */
export async function expireLeases(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string | number }>(
    `with due as (
       select id, claimed_by, claimed_by_name, claimed_until from concerns
       where status = 'claimed' and claimed_until < now()
       for update skip locked
     ), expired as (
       update concerns c set status = 'open', lease_expired_at = due.claimed_until,
         claimed_by = null, claimed_by_name = null, claimed_until = null
       from due where c.id = due.id and c.status = 'claimed' and c.claimed_until < now()
       returning c.id, due.claimed_by, due.claimed_by_name, due.claimed_until
     ), events as (
       insert into concern_events (concern_id, kind, actor_id, actor_name, data)
       select id, 'lease-expired', claimed_by, claimed_by_name, jsonb_build_object('until', claimed_until) from expired
     )
     select count(*) as n from expired`,
  );
  return Number(rows[0]?.n ?? 0);
}
