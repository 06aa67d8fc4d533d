import type { Queryable } from '../../db/database.js';

/** The references of these concerns, by id (for lists that name concerns, such as the audit log). */
export async function referencesOf(db: Queryable, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; reference: string }>(
    'select id, reference from concerns where id = any($1::uuid[])', [[...new Set(ids)]],
  );
  return new Map(rows.map((r) => [r.id, r.reference]));
}

/** The id of the concern with this reference (CP-XXXXXX), if there is one. */
export async function concernIdOf(db: Queryable, reference: string): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>('select id from concerns where reference = $1', [reference]);
  return rows[0]?.id;
}
