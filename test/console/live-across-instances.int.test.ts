import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { signValue } from '../../src/console/auth/secrets.js';
import { createSession } from '../../src/console/auth/session-store.js';
import { BotClient } from '../../src/tools/bot-client.js';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/postgres.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { DEV_TOKEN } from '../support/start-carepoint.js';
import { openStream } from './support/event-stream.js';

const SESSION_SECRET = 'live-across-instances-secret-0123456789abcdef';

/**
 * Two Carepoint processes over one PostgreSQL server: a concern raised through instance A (a patient's emergency
 * over chat) reaches a console connected to instance B at once, by LISTEN/NOTIFY, without a reload.
 */
describe.skipIf(!TEST_DATABASE_URL)('the live console across two server processes on PostgreSQL', () => {
  let db: Database;
  let drop: () => Promise<void>;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    const created = await createTestDatabase();
    drop = created.drop;
    db = await openDatabase({ databaseUrl: created.url, dataDir: 'unused' });
    await migrate(db);
    const env = {
      DATABASE_URL: created.url, COORDINATOR_DEV_TOKEN: DEV_TOKEN, LOG_HASH_SECRET: 'test-secret-0123456789abcdef', SESSION_SECRET,
      KNOWLEDGE_DIR: new URL('../../knowledge', import.meta.url).pathname, DATA_DIR: '/tmp/unused',
    };
    servers.push(...(await Promise.all([startServerProcess(env), startServerProcess(env)])));
  }, 120_000);
  afterAll(async () => {
    for (const server of servers) server.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => s.exited));
    await db?.close();
    await drop?.();
  });

  it('an emergency raised on A shows on the console stream of B', async () => {
    // A co-ordinator's console session (the sessions table is shared; the cookie is signed with the shared secret).
    const { id } = await createSession(db, { userId: 'sam', name: 'Sam Patel', roles: ['Coordinator'], signedInWith: 'dev' });
    const stream = await openStream(servers[1]!.url, encodeURIComponent(signValue(id, SESSION_SECRET)));
    try {
      expect(stream.response.status).toBe(200);
      await stream.until(/^retry: /);
      const patient = new BotClient(servers[0]!.url);
      expect(await patient.say('my dad has collapsed and is not breathing')).toMatch(/^Call 999 now/);
      const { rows } = await db.query<{ id: string }>(
        `select id from concerns where conversation_id = $1 and priority = 'emergency'`, [`bf:emulator:${patient.conversationId}`]);
      expect(rows).toHaveLength(1);
      await stream.until(new RegExp(`event: concern\\ndata: ${rows[0]!.id}\\n\\n`), 10_000);
    } finally {
      await stream.close();
    }
  }, 60_000);
});
