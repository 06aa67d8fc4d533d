import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { answers, type Database, type Queryable } from './database.js';

/** Embedded PostgreSQL (PGlite) persisted in a directory; `memory://` for throw-away use. */
export async function openPgliteDatabase(dataDir: string): Promise<Database> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const asQueryable = (q: Pick<PGlite, 'query'>): Queryable => ({
    async query<Row>(sql: string, params: unknown[] = []) {
      const result = await q.query<Row>(sql, params);
      return { rows: result.rows };
    },
  });
  return {
    kind: 'pglite',
    ...asQueryable(db),
    transaction: (work) => db.transaction((tx) => work(asQueryable(tx))),
    ping: () => answers(db),
    close: () => db.close(),
  };
}
