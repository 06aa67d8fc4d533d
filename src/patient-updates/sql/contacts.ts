import type { Queryable } from '../../db/database.js';
import type { Priority } from '../../concerns/priority.js';
import { PERSON_SQL } from '../../concerns/person.js';
import { concernChanged } from '../../handoff/live-events.js';
import { startPaging } from '../../oncall/paging/start-paging.js';
import { recheckOverdue } from '../overdue-schedule.js';

/** A return after this much silence in a conversation is a new contact. */
export const SILENCE_MINUTES = 30;
/** This many contacts within the window raise the person's open concern one step. */
export const REPEAT_CONTACTS = 3;
export const WINDOW_HOURS = 72;

/** One step up, never to emergency: an emergency is the screen's to find, never a count's. */
const NEXT_STEP: Partial<Record<Priority, Priority>> = { routine: 'soon', soon: 'urgent' };

/**
 * The requester keys that are the same person as `requesterKey`: itself, and every key whose concerns are about the
 * same patient record (a registered number, a co-ordinator's link; src/concerns/person.ts).
 */
const SAME_PERSON_KEYS = `
  patients as (
    select ${PERSON_SQL('k')} as patient from concerns k where k.requester_key = $1
    union select case when $1 like 'patient:%' then substr($1, 9)::uuid end
  ),
  person_keys as (
    select $1::text as key
    union select k.requester_key from concerns k where ${PERSON_SQL('k')} in (select patient from patients where patient is not null)
    union select 'patient:' || patient from patients where patient is not null
  )`;

/** SQL for when the conversation's latest inbound message arrived (null: none), as of the statement's snapshot. */
export const previousInboundAtSql = (conversationId: string) =>
  `(select m.created_at from messages m where m.conversation_id = ${conversationId} and m.direction = 'in' order by m.id desc limit 1)`;

/**
 * The inbound message before this turn's in the conversation (this turn's is already recorded), if any. A turn
 * usually has it from the statement that recorded its message (src/queue/conversation-log.ts) and needs no read.
 */
export async function previousInboundAt(q: Queryable, conversationId: string): Promise<Date | undefined> {
  const { rows } = await q.query<{ created_at: Date | string }>(
    `select created_at from messages where conversation_id = $1 and direction = 'in' order by id desc offset 1 limit 1`,
    [conversationId],
  );
  return rows[0] ? new Date(rows[0].created_at) : undefined;
}

/** Records a contact and returns how many the same person made within the window, this one included. */
export async function recordContact(q: Queryable, input: { requesterKey: string; conversationId: string; at: Date }): Promise<number> {
  await q.query('insert into person_contacts (requester_key, conversation_id, at) values ($1, $2, $3)', [input.requesterKey, input.conversationId, input.at]);
  const { rows } = await q.query<{ contacts: string }>(
    `with ${SAME_PERSON_KEYS}
     select count(*) as contacts from person_contacts
     where requester_key in (select key from person_keys) and at > $2::timestamptz - make_interval(hours => $3) and at <= $2`,
    [input.requesterKey, input.at, WINDOW_HOURS],
  );
  return Number(rows[0]!.contacts);
}

/**
 * Raises the person's newest open concern one step for repeat contact, once per concern (a 'priority-raised'
 * event with reason repeat-contact): routine to soon, soon to urgent, never further. An urgent one then pages as
 * any urgent concern does, and its overdue check follows the new target. Undefined when there was none to raise.
 */
export async function raiseForRepeatContact(tx: Queryable, requesterKey: string, contacts: number): Promise<{ id: string; from: Priority; to: Priority } | undefined> {
  const { rows } = await tx.query<{ id: string; priority: Priority; status: string }>(
    `with ${SAME_PERSON_KEYS}
     select c.id, c.priority, c.status from concerns c
     where c.requester_key in (select key from person_keys) and c.status <> 'resolved' and c.priority in ('routine', 'soon')
       and not exists (select 1 from concern_events e where e.concern_id = c.id and e.kind = 'priority-raised' and e.data->>'reason' = 'repeat-contact')
     order by c.created_at desc limit 1`,
    [requesterKey],
  );
  const found = rows[0];
  const to = found && NEXT_STEP[found.priority];
  if (!found || !to) return undefined;
  // The priority in the condition: of two instances raising at once, one changes the row, the other finds it changed.
  const updated = await tx.query<{ status: string; claimed: boolean }>(
    `update concerns set priority = $3, updated_at = now() where id = $1 and priority = $2
     returning status, (status = 'claimed' and claimed_until >= now()) as claimed`,
    [found.id, found.priority, to],
  );
  if (!updated.rows[0]) return undefined;
  await tx.query(
    `insert into concern_events (concern_id, kind, data) values ($1, 'priority-raised',
       jsonb_build_object('from', $2::text, 'to', $3::text, 'reason', 'repeat-contact', 'contacts', $4::int))`,
    [found.id, found.priority, to, contacts],
  );
  if (!updated.rows[0].claimed) await startPaging(tx, { id: found.id, priority: to });
  await recheckOverdue(tx, found.id);
  await concernChanged(tx, found.id);
  return { id: found.id, from: found.priority, to };
}
