import type { Clock } from '../../clock.js';
import type { Queryable } from '../../db/database.js';

// Numbers are normalised by toE164 (src/concerns/model.ts), the one phone parser; every phone here is its output.

export const smsConversationId = (phone: string) => `sms:${phone}`;

export function phoneOfConversation(conversationId: string | undefined): string | undefined {
  return conversationId?.startsWith('sms:') ? conversationId.slice(4) : undefined;
}

/** The patient record a number is registered to, if any. */
export async function patientIdForPhone(db: Queryable, phone: string): Promise<string | undefined> {
  const { rows } = await db.query<{ patient_id: string }>(
    'select patient_id from patient_contacts where phone = $1',
    [phone],
  );
  return rows[0]?.patient_id;
}

export type OptOutSource = 'keyword' | 'twilio-21610';

/** Records STOP (optedOut true) or START (false) for a number; the latest change wins. */
export async function recordOptOut(
  db: Queryable,
  clock: Clock,
  input: { phone: string; optedOut: boolean; source: OptOutSource },
): Promise<void> {
  await db.query(
    `insert into sms_opt_outs (phone, opted_out, source, changed_at) values ($1, $2, $3, $4)
     on conflict (phone) do update set opted_out = excluded.opted_out, source = excluded.source, changed_at = excluded.changed_at`,
    [input.phone, input.optedOut, input.source, clock.now()],
  );
}

export async function isOptedOut(db: Queryable, phone: string): Promise<boolean> {
  const { rows } = await db.query<{ opted_out: boolean }>('select opted_out from sms_opt_outs where phone = $1', [phone]);
  return rows[0]?.opted_out === true;
}
