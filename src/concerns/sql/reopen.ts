import type { Queryable } from '../../db/database.js';
import { Conflict } from '../../http/errors.js';
import type { Actor } from '../actor.js';
import { COLUMNS, toItem, type ConcernRow, type QueueItem } from '../concern-queue.js';
import { refusal } from './concern-state.js';

const UNIQUE_VIOLATION = '23505';

/** Puts a resolved concern back in the queue, open; its earlier outcome stays in its events. */
export async function reopenConcern(db: Queryable, id: string, actor: Actor): Promise<QueueItem> {
  let rows: ConcernRow[];
  try {
    ({ rows } = await db.query<ConcernRow>(
      `with reopened as (
         update concerns set status = 'open', outcome = null, resolved_at = null, updated_at = now()
         where id = $1 and status = 'resolved'
         returning ${COLUMNS}
       ), event as (
         insert into concern_events (concern_id, kind, actor_id, actor_name) select id, 'reopened', $2, $3 from reopened
       )
       select * from reopened`,
      [id, actor.id, actor.name],
    ));
  } catch (error) {
    // concerns_one_open_emergency: the conversation has a newer emergency item, which later messages joined.
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new Conflict('cannot reopen: the conversation has another open emergency item');
    throw error;
  }
  if (!rows[0]) throw await refusal(db, id, actor.id, 'reopen');
  return toItem(rows[0]);
}
