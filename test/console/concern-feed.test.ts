import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { ConcernActions } from '../../src/concerns/actions.js';
import { submitConcern } from '../../src/concerns/concern-queue.js';
import { ConcernFeed } from '../../src/concerns/feed.js';
import type { ConcernDetails } from '../../src/concerns/model.js';
import type { Database } from '../../src/db/database.js';
import { openDatabase } from '../../src/db/open-database.js';
import { freshDataDir } from '../support/database-template.js';
import { createTestDatabase, TEST_DATABASE_URL } from '../support/postgres.js';

/**
 * The live feed behind the console's pages: migration 026's triggers and the database's listen, on both engines.
 * It hears each committed change by concern id only, never a rolled-back one, and not a claim's renewal.
 */

const details: ConcernDetails = {
  subject: 'self', name: 'Ada Lovelace', dateOfBirth: '1950-01-31', pathway: 'kidney', kind: 'medication',
  description: 'My tablets have not arrived this month.', urgency: 'today', contactMethod: 'text-message',
  phone: '+447700900123', contactTime: 'any-time', consentToShare: true,
};

const engines = [
  { name: 'PGlite', available: true, open: async () => {
    const db = await openDatabase({ dataDir: await freshDataDir() });
    return { db, cleanup: () => db.close() };
  } },
  { name: 'PostgreSQL server', available: Boolean(TEST_DATABASE_URL), open: async () => {
    const { url, drop } = await createTestDatabase();
    const db = await openDatabase({ databaseUrl: url, dataDir: 'unused' });
    return { db, cleanup: async () => { await db.close(); await drop(); } };
  } },
];

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the concern feed on ${engine.name}`, () => {
    let db: Database;
    let cleanup: () => Promise<void>;
    let feed: ConcernFeed;
    const heard: string[] = [];
    const by = { actor: { id: 'co-1', name: 'Co-ordinator 1' }, source: null };

    beforeAll(async () => {
      ({ db, cleanup } = await engine.open());
      feed = new ConcernFeed(db.listen!.bind(db));
      await feed.start();
      feed.subscribe((id) => heard.push(id));
    });
    afterAll(async () => {
      await feed?.stop();
      await cleanup?.();
    });

    const raise = () => submitConcern(db, systemClock, {
      channel: 'chat', conversationId: `bf:test:${randomUUID()}`, requesterKey: `bf:test:${randomUUID()}`,
      submissionId: randomUUID(), priority: 'urgent', details, summary: 'Medicines - Kidney', transcript: [],
    });
    /** What the feed heard by the time a marker concern's own notification arrives (notifications keep commit order). */
    const heardUntilNextChange = async () => {
      const marker = await raise();
      await expect.poll(() => heard.includes(marker.id), { timeout: 5_000 }).toBe(true);
      return heard.splice(0, heard.length).filter((id) => id !== marker.id);
    };

    it('hears a new concern and each change to it by its id, and nothing else', async () => {
      await heardUntilNextChange();
      const item = await raise();
      const actions = new ConcernActions(db, 15);
      await actions.claim(by, item.id);
      await actions.note(by, item.id, 'Rang the pharmacy');
      const changes = await heardUntilNextChange();
      expect(changes.length).toBeGreaterThanOrEqual(3);
      expect(new Set(changes)).toEqual(new Set([item.id]));
    });

    it('hears nothing of a change that rolled back, or of the holder renewing a claim by viewing it', async () => {
      const item = await raise();
      const actions = new ConcernActions(db, 15);
      await actions.claim(by, item.id);
      await heardUntilNextChange();
      await db.transaction(async (tx) => {
        await tx.query(`update concerns set summary = 'changed' where id = $1`, [item.id]);
        throw new Error('rolled back');
      }).catch(() => undefined);
      await actions.view(by, item.id); // renews the lease: claimed_until only
      expect(await heardUntilNextChange()).toEqual([]);
    });

    it('stops hearing once unsubscribed', async () => {
      const mine: string[] = [];
      const unsubscribe = feed.subscribe((id) => mine.push(id));
      const first = await raise();
      await expect.poll(() => mine.includes(first.id), { timeout: 5_000 }).toBe(true);
      unsubscribe();
      await raise();
      await heardUntilNextChange();
      expect(mine).toEqual([first.id]);
    });
  });
}
