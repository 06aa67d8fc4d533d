import type { Database, DatabaseTimeouts, ListenerEvent } from './database.js';
import { migrate } from './migrate.js';
import { openPgliteDatabase } from './pglite-database.js';
import { openPostgresDatabase } from './postgres-database.js';

/** DATABASE_URL selects a PostgreSQL server; otherwise embedded PGlite in DATA_DIR. Migrated on open. */
export async function openDatabase(options: {
  databaseUrl?: string;
  dataDir: string;
  /** A server connection dropped while idle, or the embedded database's thread died. */
  onConnectionLost?: (error: Error) => void;
  /** The notification listener lost its connection, retried, or was restored; or a listener threw. */
  onListenerEvent?: (event: ListenerEvent) => void;
  /** A PostgreSQL server's client-side timeouts. */
  timeouts?: Partial<DatabaseTimeouts>;
}): Promise<Database> {
  const db = options.databaseUrl
    ? await openPostgresDatabase(options.databaseUrl, {
      onConnectionLost: options.onConnectionLost, onListenerEvent: options.onListenerEvent, timeouts: options.timeouts,
    })
    : await openPgliteDatabase(options.dataDir === 'memory://' ? 'memory://' : `${options.dataDir}/pg`, {
      onConnectionLost: options.onConnectionLost, onListenerEvent: options.onListenerEvent,
    });
  await migrate(db);
  return db;
}
