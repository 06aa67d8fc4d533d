import { appendAudit } from '../../concerns/audit/append-audit.js';
import { toE164 } from '../../concerns/model.js';
import { claimConcern } from '../../concerns/sql/claim.js';
import { addConcernEvent } from '../../concerns/sql/add-event.js';
import type { Database } from '../../db/database.js';
import { Conflict } from '../../http/errors.js';
import type { Person, Rota } from '../rota.js';
import { concernIdByReference } from './sql/pageable-concern.js';

const ACK = /^\s*ack\s+cp[\s-]?([a-hj-np-z2-9]{6})\s*[.!]?\s*$/i;

/** The member of staff this number belongs to (anyone on the rota, the final contact too). */
export function rotaPersonByPhone(rota: Rota | undefined, phone: string): Person | undefined {
  if (!rota) return undefined;
  const e164 = toE164(phone);
  if (!e164) return undefined;
  return [...rota.people.values(), rota.final].find((p) => p.phone === e164);
}

/** "ACK CP-7F3K2Q" (any case, hyphen optional): the reference; anything else is not an acknowledgement. */
export function ackReferenceOf(text: string): string | undefined {
  const m = ACK.exec(text);
  return m ? `CP-${m[1]!.toUpperCase()}` : undefined;
}

/**
 * An acknowledgement by text from a rota phone is a claim by that person: the chain stops (claimConcern cancels
 * it in the same transaction), and the claim, the acknowledgement and the audit line commit together. The reply
 * names the reference only.
 */
export async function acknowledgeByText(db: Database, input: { person: Person; reference: string; leaseMinutes: number }): Promise<string> {
  const actor = { id: `oncall:${input.person.id}`, name: input.person.name };
  const id = await concernIdByReference(db, input.reference);
  if (!id) return `Carepoint: no concern ${input.reference}. Check the reference and send ACK again.`;
  try {
    await db.transaction(async (tx) => {
      await claimConcern(tx, id, actor, input.leaseMinutes);
      await addConcernEvent(tx, { concernId: id, kind: 'acknowledged', data: { by: input.person.id, via: 'sms' } });
      await appendAudit(tx, { actor, action: 'claim', concernId: id, source: 'sms-ack', detail: { via: 'sms' } });
    });
  } catch (err) {
    if (err instanceof Conflict) return `Carepoint: ${input.reference} was not claimed (${err.message.replace(/^cannot claim: /, '')}).`;
    throw err;
  }
  return `Carepoint: ${input.reference} is yours (claimed for ${input.leaseMinutes} minutes; work on it in the console to keep it).`;
}
