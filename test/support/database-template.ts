import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../../src/db/migrate.js';
import { openPgliteDatabase } from '../../src/db/pglite-database.js';

const MIGRATIONS = new URL('../../src/db/migrations/', import.meta.url);

/** A migrated PGlite directory, keyed by the migrations' content so a new migration makes a new one. */
function templateDir(): string {
  const hash = createHash('sha256');
  for (const name of readdirSync(MIGRATIONS).sort()) hash.update(name).update(readFileSync(new URL(name, MIGRATIONS)));
  return join(tmpdir(), `carepoint-pglite-template-${hash.digest('hex').slice(0, 12)}`);
}

export async function prepareDatabaseTemplate(): Promise<string> {
  const dir = templateDir();
  if (existsSync(dir)) return dir;
  const building = mkdtempSync(join(tmpdir(), 'carepoint-template-build-'));
  const db = await openPgliteDatabase(join(building, 'pg'));
  await migrate(db);
  await db.close();
  try {
    renameSync(building, dir);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another worker won the race
  }
  return dir;
}

/** A fresh DATA_DIR holding a copy of the migrated template (milliseconds instead of seconds). */
export async function freshDataDir(): Promise<string> {
  const template = process.env.CAREPOINT_PGLITE_TEMPLATE ?? (await prepareDatabaseTemplate());
  const dir = mkdtempSync(join(tmpdir(), 'carepoint-data-'));
  cpSync(template, dir, { recursive: true });
  return dir;
}
