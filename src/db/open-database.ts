import type { Database } from './database.js';
import { migrate } from './migrate.js';
import { openPgliteDatabase } from './pglite-database.js';
import { openPostgresDatabase } from './postgres-database.js';

/** DATABASE_URL selects a PostgreSQL server; otherwise embedded PGlite in DATA_DIR. Migrated on open. */
export async function openDatabase(options: {
  databaseUrl?: string;
  dataDir: string;
  onIdleClientError?: (error: Error) => void;
}): Promise<Database> {
  const db = options.databaseUrl
    ? await openPostgresDatabase(options.databaseUrl, { onIdleClientError: options.onIdleClientError })
    : await openPgliteDatabase(options.dataDir === 'memory://' ? 'memory://' : `${options.dataDir}/pg`);
  await migrate(db);
  return db;
}
