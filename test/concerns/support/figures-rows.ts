import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../../src/db/database.js';
import type { Priority } from '../../../src/concerns/priority.js';

/** "Now" for the known rows: Wednesday 2 December 2026, 12:00 in London (GMT), in ISO week 2026-W49. */
export const FIGURES_NOW = new Date('2026-12-02T12:00:00Z');

let n = 0;

/** A concern as it stands in the database, raised at `raisedAt` (its pathway in details, as the dialog stores it). */
export async function insertConcern(db: Queryable, c: { pathway?: string; priority: Priority; raisedAt: string; status?: 'open' | 'resolved' }): Promise<string> {
  n++;
  const id = randomUUID();
  const reference = `CP-F${String(n).padStart(5, '0').replace(/[01]/g, (d) => (d === '0' ? 'A' : 'B'))}`;
  await db.query(
    `insert into concerns (id, reference, priority, status, channel, conversation_id, requester_key, details, summary, created_at, updated_at, outcome, resolved_at)
     values ($1, $2, $3, $4, 'chat', $5, $6, $7::jsonb, 'Figures test', $8, $8, $9, $10)`,
    [id, reference, c.priority, c.status ?? 'open', `conv-figures-${id}`, `bf:test:figures-${id}`,
      JSON.stringify(c.pathway ? { pathway: c.pathway } : {}), c.raisedAt, c.status === 'resolved' ? 'advice-given' : null, c.status === 'resolved' ? c.raisedAt : null],
  );
  return id;
}

export async function insertEvent(db: Queryable, concernId: string, kind: string, at: string, data: Record<string, unknown> = {}): Promise<void> {
  await db.query(`insert into concern_events (concern_id, kind, data, created_at) values ($1, $2, $3::jsonb, $4)`, [concernId, kind, JSON.stringify(data), at]);
}

/** A feedback row and its event, in exactly the shapes the feedback feature writes them. */
export async function insertFeedback(db: Queryable, concernId: string, pathway: string | null, score: number, at: string): Promise<void> {
  await db.query(`insert into concern_feedback (concern_id, pathway, channel, score, comment, created_at) values ($1, $2, 'chat', $3, 'Thank you', $4)`, [concernId, pathway, score, at]);
  await insertEvent(db, concernId, 'feedback-given', at, { score });
}

/**
 * Known rows giving known figures (FIGURES_NOW, the last 2 weeks: 2026-W48 and 2026-W49; working hours Mon-Fri 08:00-18:00):
 *
 * 2026-W49, kidney: K1 urgent, claimed after 30 min (within 2 h), resolved; K2 urgent, first reply after 180 min (past),
 * resolved, reopened, resolved again; K3 emergency, not contacted, 60 min old (past 15 min); K4 routine, not contacted,
 * 30 min old (still in its target: not counted). Feedback 5 (K1) and 2 (K2); one repeat contact (K2), and a
 * priority raised for another reason (not counted).
 * 2026-W49, epilepsy: E1 urgent, claimed after 10 min, a reply after 20 (first contact: 10 min).
 * 2026-W48, kidney: K5 soon, raised Friday 17:00, claimed Monday 09:00: 3,840 minutes on the clock but 2 working hours,
 * within its 1 working day. Feedback 4, given in W48.
 * 2026-W47 (outside the period): one kidney concern, feedback and repeat contact, none of them counted.
 */
export async function insertKnownFigures(db: Queryable): Promise<void> {
  const k1 = await insertConcern(db, { pathway: 'kidney', priority: 'urgent', raisedAt: '2026-11-30T09:00:00Z', status: 'resolved' });
  await insertEvent(db, k1, 'claimed', '2026-11-30T09:30:00Z');
  await insertEvent(db, k1, 'resolved', '2026-11-30T10:00:00Z');
  await insertEvent(db, k1, 'priority-raised', '2026-11-30T09:10:00Z', { from: 'soon', to: 'urgent', reason: 'model-second-opinion' });
  await insertFeedback(db, k1, 'kidney', 5, '2026-12-01T09:00:00Z');

  const k2 = await insertConcern(db, { pathway: 'kidney', priority: 'urgent', raisedAt: '2026-11-30T10:00:00Z', status: 'resolved' });
  await insertEvent(db, k2, 'reply', '2026-11-30T13:00:00Z');
  await insertEvent(db, k2, 'claimed', '2026-11-30T13:05:00Z');
  await insertEvent(db, k2, 'resolved', '2026-11-30T14:00:00Z');
  await insertEvent(db, k2, 'reopened', '2026-12-01T08:00:00Z');
  await insertEvent(db, k2, 'priority-raised', '2026-12-01T08:00:00Z', { from: 'urgent', to: 'urgent', reason: 'repeat-contact', contacts: 3 });
  await insertEvent(db, k2, 'resolved', '2026-12-01T09:00:00Z');
  await insertFeedback(db, k2, 'kidney', 2, '2026-12-01T10:00:00Z');

  await insertConcern(db, { pathway: 'kidney', priority: 'emergency', raisedAt: '2026-12-02T11:00:00Z' });
  await insertConcern(db, { pathway: 'kidney', priority: 'routine', raisedAt: '2026-12-02T11:30:00Z' });

  const e1 = await insertConcern(db, { pathway: 'epilepsy', priority: 'urgent', raisedAt: '2026-12-01T08:00:00Z' });
  await insertEvent(db, e1, 'claimed', '2026-12-01T08:10:00Z');
  await insertEvent(db, e1, 'reply', '2026-12-01T08:20:00Z');

  const k5 = await insertConcern(db, { pathway: 'kidney', priority: 'soon', raisedAt: '2026-11-27T17:00:00Z' });
  await insertEvent(db, k5, 'claimed', '2026-11-30T09:00:00Z');
  await insertFeedback(db, k5, 'kidney', 4, '2026-11-28T12:00:00Z');

  const old = await insertConcern(db, { pathway: 'kidney', priority: 'urgent', raisedAt: '2026-11-20T10:00:00Z', status: 'resolved' });
  await insertEvent(db, old, 'claimed', '2026-11-20T10:05:00Z');
  await insertEvent(db, old, 'priority-raised', '2026-11-22T10:00:00Z', { from: 'soon', to: 'urgent', reason: 'repeat-contact', contacts: 3 });
  await insertFeedback(db, old, 'kidney', 1, '2026-11-22T10:00:00Z');
}
