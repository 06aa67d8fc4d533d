import type { Queryable } from '../../db/database.js';
import { leaseUntilSql, type Actor } from '../actor.js';
import { COLUMNS, toItem, type ConcernRow, type QueueItem } from '../concern-queue.js';
import { stopPaging } from '../../oncall/paging/start-paging.js';
import { refusal } from './concern-state.js';
import { cancelOverdueCheck } from '../../patient-updates/overdue-schedule.js';
import { tellClaimed } from '../../patient-updates/status-updates.js';

/**
 * Claims an open concern (or one whose claim ran out) for `actor`, for a lease of `leaseMinutes` on the database
 * clock. Exclusive from the SQL itself: of any number of simultaneous claims, on one connection or many, exactly one
 * matches the row; the others see it claimed (a concurrent update waits, then re-checks the condition) and are
 * refused with a Conflict naming the holder. The holder claiming again is refused too: the lease is extended by
 * working on the concern (src/concerns/sql/touch-claim.ts).
 */
export async function claimConcern(db: Queryable, id: string, actor: Actor, leaseMinutes: number): Promise<QueueItem> {
  const { rows } = await db.query<ConcernRow>(
    `with before as (
       select id, claimed_by, claimed_by_name, claimed_until from concerns
       where id = $1 and status = 'claimed' and claimed_until < now()
     ), claimed as (
       update concerns set status = 'claimed', claimed_by = $2, claimed_by_name = $3, claimed_until = ${leaseUntilSql('$4')},
         lease_expired_at = null, updated_at = now()
       where id = $1 and (status = 'open' or (status = 'claimed' and claimed_until < now()))
       returning ${COLUMNS}
     ), expired as (
       insert into concern_events (concern_id, kind, actor_id, actor_name, data)
       select b.id, 'lease-expired', b.claimed_by, b.claimed_by_name, jsonb_build_object('until', b.claimed_until)
       from before b join claimed c on c.id = b.id
     ), event as (
       insert into concern_events (concern_id, kind, actor_id, actor_name, data)
       select id, 'claimed', $2, $3, jsonb_build_object('until', claimed_until) from claimed
     )
     select * from claimed`,
    [id, actor.id, actor.name, leaseMinutes],
  );
  if (!rows[0]) throw await refusal(db, id, actor.id, 'claim');
  // Someone has it: no one else is paged about it (in this transaction, so a rolled-back claim pages on).
  await stopPaging(db, id);
  // Contact made: no overdue message; the person is told who is looking at it (src/patient-updates).
  await cancelOverdueCheck(db, id);
  await tellClaimed(db, id, actor);
  return toItem(rows[0]);
}
