import type { Database, ListenerEvent } from '../../src/db/database.js';
import { openDatabase } from '../../src/db/open-database.js';
import type { ListenerTiming } from '../../src/db/postgres-listener.js';
import { openPostgresDatabase } from '../../src/db/postgres-database.js';
import { migrate } from '../../src/db/migrate.js';
import { freshDataDir } from './database-template.js';
import { TEST_DATABASE_URL, createTestDatabase } from './postgres.js';

export interface OpenedEngine {
  db: Database;
  /** Another connection pool on the same database (PostgreSQL), or the same database (PGlite: one session). */
  another(): Promise<Database>;
  /** What the database's notification listener reported. */
  events: ListenerEvent[];
  /** The PostgreSQL database's URL (undefined on PGlite). */
  url?: string;
  /** Closes `db` and opens the same data again, as a restarted process would; `db` is then the new one. */
  restart(): Promise<Database>;
  cleanup(): Promise<void>;
}

/** Fast reconnection, so a test of a dropped listener takes milliseconds. */
const QUICK_LISTENER: ListenerTiming = { retryBaseMs: 20, retryMaxMs: 200, heartbeatMs: 60_000 };

/** Both storage engines, migrated; the PostgreSQL one only where TEST_DATABASE_URL names a server. */
export const engines: { name: string; kind: Database['kind']; available: boolean; open: () => Promise<OpenedEngine> }[] = [
  {
    name: 'PGlite',
    kind: 'pglite',
    available: true,
    async open() {
      const events: ListenerEvent[] = [];
      const dataDir = await freshDataDir();
      const open = () => openDatabase({ dataDir, onListenerEvent: (e) => events.push(e) });
      const opened: OpenedEngine = {
        db: await open(),
        events,
        another: async () => opened.db,
        async restart() {
          await opened.db.close();
          return (opened.db = await open());
        },
        cleanup: () => opened.db.close(),
      };
      return opened;
    },
  },
  {
    name: 'PostgreSQL server',
    kind: 'postgres',
    available: Boolean(TEST_DATABASE_URL),
    async open() {
      const { url, drop } = await createTestDatabase();
      const events: ListenerEvent[] = [];
      const open = () => openPostgresDatabase(url, { onListenerEvent: (e) => events.push(e), listenerTiming: QUICK_LISTENER });
      const db = await open();
      await migrate(db);
      const others: Database[] = [];
      const opened: OpenedEngine = {
        db,
        events,
        url,
        async restart() {
          await opened.db.close();
          return (opened.db = await open());
        },
        async another() {
          const other = await openPostgresDatabase(url, { listenerTiming: QUICK_LISTENER });
          others.push(other);
          return other;
        },
        async cleanup() {
          for (const other of others) await other.close();
          await opened.db.close();
          await drop();
        },
      };
      return opened;
    },
  },
];

/** Collects what a listener hears; `until(n)` waits (briefly) for the n-th. */
export function hearing(timeoutMs = 5_000) {
  const heard: string[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  return {
    heard,
    onNotify: (payload: string) => {
      heard.push(payload);
      for (const w of waiters.filter((w) => heard.length >= w.n)) w.resolve();
    },
    until(n: number): Promise<string[]> {
      if (heard.length >= n) return Promise.resolve(heard);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`heard ${JSON.stringify(heard)}, waited for ${n}`)), timeoutMs);
        waiters.push({ n, resolve: () => { clearTimeout(timer); resolve(heard); } });
      });
    },
  };
}

/** Polls `check` until it holds (for what arrives on its own time, such as a reconnection). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
