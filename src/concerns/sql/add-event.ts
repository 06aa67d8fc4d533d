import { storableJson } from '../../db/storable.js';
import type { Queryable } from '../../db/database.js';

/** Kinds of change another module may note on a concern (its own lifecycle changes are the feature's). */
export type ExternalEventKind = 'dead-letter' | 'contact-problem'
  // staff paging (src/oncall/paging)
  | 'paged' | 'page-failed' | 'page-escalated' | 'acknowledged';

/** Notes on a concern something another module saw happen (a delivery given up on); returns the event's id. */
export async function addConcernEvent(
  db: Queryable,
  input: { concernId: string; kind: ExternalEventKind; data: Record<string, unknown>; at?: Date },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `insert into concern_events (concern_id, kind, data, created_at) values ($1, $2, $3::jsonb, coalesce($4::timestamptz, now())) returning id`,
    [input.concernId, input.kind, storableJson(input.data), input.at ?? null],
  );
  return String(rows[0]!.id);
}
