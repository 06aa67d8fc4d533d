import type { Queryable } from '../db/database.js';
import type { Actor } from '../concerns/actor.js';
import type { Outcome } from '../concerns/concern-queue.js';
import { askForFeedback } from './sql/feedback.js';
import { concernToTell, optedOut, tellPatient } from './tell-patient.js';
import { claimedText, resolvedText, SCORES } from './update-texts.js';

/**
 * A claim, in its transaction: the person is told who is looking at their concern. Once per co-ordinator: the first
 * claim tells them, and so does a later claim by someone else (released, or its lease ran out, and another
 * co-ordinator took it); the same co-ordinator claiming it again does not, since the person already knows them.
 */
export async function tellClaimed(tx: Queryable, concernId: string, actor: Actor): Promise<boolean> {
  const { rows } = await tx.query<{ actor_id: string | null }>(
    `select actor_id from concern_events where concern_id = $1 and kind = 'patient-told-claimed' order by id desc limit 1`,
    [concernId],
  );
  if (rows[0] && rows[0].actor_id === actor.id) return false;
  const concern = await concernToTell(tx, concernId);
  if (!concern) return false;
  return tellPatient(tx, concern, { kind: 'patient-told-claimed', text: claimedText(actor.name, concern.reference), actor, data: { coordinator: actor.name } });
}

/**
 * A resolution, in its transaction: the outcome in plain words and, the first time a concern is resolved, the
 * feedback question (src/patient-updates/feedback-step.ts takes the answer).
 */
export async function tellResolved(tx: Queryable, concernId: string, outcome: Outcome, actor: Actor): Promise<boolean> {
  const concern = await concernToTell(tx, concernId);
  if (!concern) return false;
  const ask = !(await optedOut(tx, concern)) && (await askForFeedback(tx, concern));
  const text = resolvedText(concern.reference, outcome, ask ? { channel: concern.channel } : undefined);
  return tellPatient(tx, concern, {
    kind: 'patient-told-resolved', text, actor, data: { outcome },
    // Buttons on chat; on SMS the question says "Reply 1 to 5".
    choices: ask && concern.channel === 'chat' ? SCORES : undefined,
  });
}
