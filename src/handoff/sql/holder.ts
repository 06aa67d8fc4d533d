import type { Queryable } from '../../db/database.js';

export interface Holder {
  heldBy: 'assistant' | 'coordinator';
  coordinatorId: string | null;
  coordinatorName: string | null;
  concernId: string | null;
}

interface HolderRow {
  held_by: Holder['heldBy'];
  coordinator_id: string | null;
  coordinator_name: string | null;
  concern_id: string | null;
}

const toHolder = (r: HolderRow): Holder => ({ heldBy: r.held_by, coordinatorId: r.coordinator_id, coordinatorName: r.coordinator_name, concernId: r.concern_id });
const ASSISTANT: Holder = { heldBy: 'assistant', coordinatorId: null, coordinatorName: null, concernId: null };

/**
 * Who holds the conversation, with its row locked until the caller's transaction ends: the routing of an
 * inbound message and every switch take this same lock, so they happen one after the other, never across.
 * A conversation never handed over has no row and is the assistant's (nothing to lock: a switch inserts it).
 */
export async function lockHolder(tx: Queryable, conversationId: string): Promise<Holder> {
  const { rows } = await tx.query<HolderRow>(
    'select held_by, coordinator_id, coordinator_name, concern_id from conversation_holders where conversation_id = $1 for update',
    [conversationId],
  );
  return rows[0] ? toHolder(rows[0]) : ASSISTANT;
}

/**
 * SQL: whether the conversation was ever handed over (it has a holder row), by its key. A scalar subquery, not
 * exists(): PostgreSQL may answer exists() for many rows at once by reading the whole table.
 */
export const handedOverSql = (conversationId: string) =>
  `coalesce((select true from conversation_holders h where h.conversation_id = ${conversationId}), false)`;

/** Whether the conversation was ever handed over (a cheap read before taking the lock). */
export async function hasHolderRow(q: Queryable, conversationId: string): Promise<boolean> {
  const { rows } = await q.query<{ held: boolean }>(`select ${handedOverSql('$1')} as held`, [conversationId]);
  return rows[0]?.held === true;
}

/** The handoff in progress on a concern, if any. */
export async function handoffOfConcern(q: Queryable, concernId: string): Promise<(Holder & { conversationId: string; startedAt: string }) | undefined> {
  const { rows } = await q.query<HolderRow & { conversation_id: string; started_at: Date | string }>(
    `select conversation_id, held_by, coordinator_id, coordinator_name, concern_id, started_at from conversation_holders
     where concern_id = $1 and held_by = 'coordinator'`,
    [concernId],
  );
  const row = rows[0];
  return row ? { ...toHolder(row), conversationId: row.conversation_id, startedAt: new Date(row.started_at).toISOString() } : undefined;
}

/** The assistant's first turn after a handoff: true once, and the mark is cleared (under the caller's lock). */
export async function takeFreshStart(tx: Queryable, conversationId: string): Promise<boolean> {
  const { rows } = await tx.query(
    `update conversation_holders set resume_fresh = false where conversation_id = $1 and held_by = 'assistant' and resume_fresh returning 1`,
    [conversationId],
  );
  return rows.length > 0;
}

/**
 * Gives the conversation to a co-ordinator for a concern. True when this started the handoff (or passed it to
 * this co-ordinator from a colleague on the same concern); false when they already held it. A handoff on another
 * concern is left alone (false, `holder` says whose).
 */
export async function takeConversation(
  tx: Queryable,
  input: { conversationId: string; concernId: string; coordinatorId: string; coordinatorName: string },
): Promise<{ started: boolean; holder: Holder }> {
  // Created unheld first, so that the row exists to lock (an inbound turn may be routing this conversation now).
  await tx.query('insert into conversation_holders (conversation_id) values ($1) on conflict (conversation_id) do nothing', [input.conversationId]);
  const holder = await lockHolder(tx, input.conversationId);
  // The same co-ordinator again, or someone else's handoff on another concern: nothing changes.
  const sameConcern = holder.concernId === input.concernId;
  if (holder.heldBy === 'coordinator' && (!sameConcern || holder.coordinatorId === input.coordinatorId)) return { started: false, holder };
  // Otherwise a new start: a first reply, or a colleague who claimed the concern after the last holder's lease ran out.
  await tx.query(
    `update conversation_holders set held_by = 'coordinator', coordinator_id = $2, coordinator_name = $3, concern_id = $4,
       started_at = now(), ended_at = null, end_reason = null, updated_at = now()
     where conversation_id = $1`,
    [input.conversationId, input.coordinatorId, input.coordinatorName, input.concernId],
  );
  return { started: true, holder: { heldBy: 'coordinator', coordinatorId: input.coordinatorId, coordinatorName: input.coordinatorName, concernId: input.concernId } };
}

export type EndReason = 'hand-back' | 'resolved' | 'lease-expired' | 'released';

/** Gives a concern's conversation back to the assistant; the conversation it was, or undefined when none was held. */
export async function giveBackConversation(tx: Queryable, concernId: string, reason: EndReason): Promise<{ conversationId: string; coordinatorName: string } | undefined> {
  const { rows: held } = await tx.query<{ conversation_id: string }>(
    `select conversation_id from conversation_holders where concern_id = $1 and held_by = 'coordinator'`,
    [concernId],
  );
  const conversationId = held[0]?.conversation_id;
  if (!conversationId) return undefined;
  const holder = await lockHolder(tx, conversationId);
  // Re-read under the lock: a switch that committed meanwhile has already ended it.
  if (holder.heldBy !== 'coordinator' || holder.concernId !== concernId) return undefined;
  await tx.query(
    `update conversation_holders set held_by = 'assistant', coordinator_id = null, coordinator_name = null, concern_id = null,
       ended_at = now(), end_reason = $2, resume_fresh = true, updated_at = now()
     where conversation_id = $1`,
    [conversationId, reason],
  );
  return { conversationId, coordinatorName: holder.coordinatorName ?? 'the care co-ordinator' };
}
