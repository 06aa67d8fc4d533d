import { describe, expect, it } from 'vitest';
import { signValue } from '../../src/console/auth/secrets.js';
import { createSession } from '../../src/console/auth/session-store.js';
import { BotClient } from '../../src/tools/bot-client.js';
import { TEST_DATABASE_URL } from '../support/postgres.js';
import { useTwoInstances } from '../support/two-instances.js';
import { openStream } from './support/event-stream.js';

const SESSION_SECRET = 'live-across-instances-secret-0123456789abcdef';

/**
 * Two Carepoint processes over one PostgreSQL server: a concern raised through instance A (a patient's emergency
 * over chat) reaches a console connected to instance B at once, by LISTEN/NOTIFY, without a reload.
 */
describe.skipIf(!TEST_DATABASE_URL)('the live console across two server processes on PostgreSQL', () => {
  const world = useTwoInstances(() => ({ SESSION_SECRET }));

  it('an emergency raised on A shows on the console stream of B', async () => {
    // A co-ordinator's console session (the sessions table is shared; the cookie is signed with the shared secret).
    const { id } = await createSession(world.db, { userId: 'sam', name: 'Sam Patel', roles: ['Coordinator'], signedInWith: 'dev' });
    const stream = await openStream(world.servers[1]!.url, encodeURIComponent(signValue(id, SESSION_SECRET)));
    try {
      expect(stream.response.status).toBe(200);
      await stream.until(/^retry: /);
      const patient = new BotClient(world.servers[0]!.url);
      expect(await patient.say('my dad has collapsed and is not breathing')).toMatch(/^Call 999 now/);
      const { rows } = await world.db.query<{ id: string }>(
        `select id from concerns where conversation_id = $1 and priority = 'emergency'`, [`bf:emulator:${patient.conversationId}`]);
      expect(rows).toHaveLength(1);
      await stream.until(new RegExp(`event: concern\\ndata: ${rows[0]!.id}\\n\\n`), 10_000);
    } finally {
      await stream.close();
    }
  }, 60_000);
});
