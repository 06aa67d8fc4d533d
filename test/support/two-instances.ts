import { afterAll, beforeAll } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { createTestDatabase } from './postgres.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { DEV_TOKEN } from './start-carepoint.js';

export interface TwoInstances {
  /** The shared database, migrated, for the test's own reads and writes. */
  db: Database;
  /** What both processes were started with (a test restarting one starts it with this). */
  env: Record<string, string>;
  /** Instance A and instance B; a test may replace one after restarting it. */
  servers: ServerProcess[];
}

/**
 * Two Carepoint server processes over one new database on the PostgreSQL test server, started before the file's
 * tests and stopped after. `env` adds to the settings both share (a fake Twilio's, a lease length). Read the
 * fields inside tests: they are set in beforeAll.
 */
export function useTwoInstances(env: () => Record<string, string> = () => ({})): TwoInstances {
  const world = { servers: [] as ServerProcess[] } as TwoInstances;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const created = await createTestDatabase();
    drop = created.drop;
    world.db = await openDatabase({ databaseUrl: created.url, dataDir: 'unused' });
    await migrate(world.db);
    world.env = {
      DATABASE_URL: created.url, COORDINATOR_DEV_TOKEN: DEV_TOKEN, LOG_HASH_SECRET: 'test-secret-0123456789abcdef',
      KNOWLEDGE_DIR: new URL('../../knowledge', import.meta.url).pathname, DATA_DIR: '/tmp/unused', ...env(),
    };
    world.servers.push(...(await Promise.all([startServerProcess(world.env), startServerProcess(world.env)])));
  }, 120_000);
  afterAll(async () => {
    for (const server of world.servers) server.child.kill('SIGTERM');
    await Promise.all(world.servers.map((s) => s.exited));
    await world.db?.close();
    await drop?.();
  });
  return world;
}
