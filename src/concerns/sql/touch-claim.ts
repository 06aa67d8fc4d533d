import type { Queryable } from '../../db/database.js';
import { leaseUntilSql } from '../actor.js';
import { LEASE_HELD_SQL } from '../concern-queue.js';

/** Activity by the claim's holder (a view, a note, a reply) renews the lease; anyone else's changes nothing. */
export async function touchClaim(db: Queryable, id: string, actorId: string, leaseMinutes: number): Promise<void> {
  await db.query(
    `update concerns set claimed_until = ${leaseUntilSql('$3')} where id = $1 and claimed_by = $2 and ${LEASE_HELD_SQL}`,
    [id, actorId, leaseMinutes],
  );
}
