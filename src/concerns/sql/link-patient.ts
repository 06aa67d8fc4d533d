import type { Queryable } from '../../db/database.js';
import { Conflict } from '../../http/errors.js';
import type { Actor } from '../actor.js';
import { concernState } from './concern-state.js';

/**
 * Links a concern to a patient record, confirmed by a co-ordinator: only when the name and date of birth the person
 * gave match the record's (so a slip of the co-ordinator's cannot join two people's stories).
 */
export async function linkPatient(db: Queryable, id: string, actor: Actor, patientId: string): Promise<void> {
  const { rows } = await db.query<{ id: string }>(
    `with linked as (
       update concerns k set patient_id = p.id, updated_at = now()
       from patients p
       where k.id = $1 and p.id = $4 and lower(p.name) = lower(k.details->>'name')
         and p.date_of_birth = (case when k.details->>'dateOfBirth' ~ '^\\d{4}-\\d{2}-\\d{2}$' then (k.details->>'dateOfBirth')::date end)
       returning k.id
     ), event as (
       insert into concern_events (concern_id, kind, actor_id, actor_name, data)
       select id, 'linked', $2, $3, jsonb_build_object('patientId', $4::uuid) from linked
     )
     select id from linked`,
    [id, actor.id, actor.name, patientId],
  );
  if (rows[0]) return;
  await concernState(db, id); // NotFound first
  throw new Conflict('cannot link: the name and date of birth given do not match that patient record');
}
