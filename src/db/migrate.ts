import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
// Any fixed number: it serialises migrations when several instances start at once.
const MIGRATION_LOCK = 4_242_001;

/** Applies, in name order, every migrations/*.sql not yet recorded; each in its own transaction. */
export async function migrate(db: Database): Promise<string[]> {
  await db.query(
    `create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())`,
  );
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort();
  const applied: string[] = [];
  for (const name of files) {
    const sql = await readFile(MIGRATIONS_DIR + name, 'utf8');
    const ran = await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const done = await tx.query('select 1 from schema_migrations where name = $1', [name]);
      if (done.rows.length > 0) return false;
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query('insert into schema_migrations (name) values ($1)', [name]);
      return true;
    });
    if (ran) applied.push(name);
  }
  return applied;
}

/**
 * Migrations are statements separated by semicolons at line ends; a function body between $$ quotes (the audit
 * log's trigger, 023) is kept whole, whatever semicolons it holds.
 */
function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  for (const part of sql.replace(/--.*$/gm, '').split(/(;\s*$)/m)) {
    current += part;
    const quoted = (current.match(/\$\$/g) ?? []).length % 2 === 1;
    if (/^;\s*$/.test(part) && !quoted) {
      statements.push(current.replace(/;\s*$/, ''));
      current = '';
    }
  }
  statements.push(current);
  return statements.map((s) => s.trim()).filter((s) => s.length > 0);
}
