import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/database.js';
import { openDatabase } from '../../src/db/open-database.js';
import { migrate } from '../../src/db/migrate.js';
import { takeToken } from '../../src/limits/rate-buckets.js';
import { recordEmergency, submitConcern, type QueueItem } from '../../src/concerns/concern-queue.js';
import type { ConcernDetails } from '../../src/concerns/model.js';
import { countQueue } from '../../src/concerns/queue-counts.js';
import { decodeCursor, encodeCursor } from '../../src/concerns/queue-cursor.js';
import { listQueuePage } from '../../src/concerns/queue-page.js';
import { SOURCE_SHARE } from '../../src/concerns/source-share.js';
import { freshDataDir } from '../support/database-template.js';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/postgres.js';

const backends = [
  { name: 'PGlite', available: true, async open() {
    const db = await openDatabase({ dataDir: await freshDataDir() });
    return { db, url: undefined as string | undefined, cleanup: () => db.close() };
  } },
  { name: 'PostgreSQL server', available: Boolean(TEST_DATABASE_URL), async open() {
    const { url, drop } = await createTestDatabase();
    const db = await openDatabase({ databaseUrl: url, dataDir: 'unused' });
    await migrate(db);
    return { db, url: url as string | undefined, cleanup: async () => { await db.close(); await drop(); } };
  } },
];

const details: ConcernDetails = {
  subject: 'self', pathway: 'kidney', kind: 'medication', description: 'My tablets have not arrived this month.',
  urgency: 'today', contactMethod: 'this-conversation', contactTime: 'any-time', consentToShare: true,
};

for (const backend of backends) {
  describe.skipIf(!backend.available)(`the co-ordinators' queue on ${backend.name}`, () => {
    let db: Database;
    let url: string | undefined;
    let cleanup: () => Promise<void>;
    const clock = new ManualClock(new Date('2026-11-24T09:00:00Z'));
    let n = 0;
    const emergency = (sourceKey: string) => {
      n++;
      clock.advance(1000);
      return recordEmergency(db, clock, {
        channel: 'chat', conversationId: `bf:emulator:flood-${n}`, requesterKey: `bf:emulator:u-${n}`, sourceKey,
        flags: ['chest-pain'], advice: '999', entry: { direction: 'in', text: 'chest pain', at: clock.now().toISOString() },
      });
    };
    const urgent = (sourceKey: string) => {
      n++;
      clock.advance(1000);
      return submitConcern(db, clock, {
        channel: 'chat', conversationId: `conv-${n}`, requesterKey: `bf:emulator:p-${n}`, sourceKey,
        submissionId: randomUUID(), priority: 'urgent', details, summary: 'Medicines - Kidney', transcript: [],
      });
    };
    /** Every page from the top, `between` run before each next page. */
    const walk = async (limit: number, between: () => Promise<unknown> = async () => undefined) => {
      const seen: QueueItem[] = [];
      let after;
      for (;;) {
        const page = await listQueuePage(db, { limit, after });
        seen.push(...page.items);
        if (!page.next) return seen;
        // What the API hands out and takes back.
        after = decodeCursor(encodeCursor(page.next));
        await between();
      }
    };

    beforeAll(async () => {
      ({ db, url, cleanup } = await backend.open());
    });
    afterAll(async () => {
      await cleanup?.();
    });

    it('after 220 emergencies from one client, every other patient\'s urgent concern is on the first page', async () => {
      for (let i = 0; i < 3; i++) await urgent(`net:other-${i}`);
      for (let i = 0; i < 220; i++) await emergency('net:flood');
      for (let i = 3; i < 6; i++) await urgent(`net:other-${i}`);
      await emergency('net:one-more-patient');

      const first = await listQueuePage(db, { limit: 200 });
      expect(first.items).toHaveLength(200);
      expect(first.next).toBeDefined();
      const top = first.items.map((i) => i.priority);
      // The flood's share first (oldest first), then the other patient's emergency, then the six urgent concerns.
      expect(top.slice(0, SOURCE_SHARE.items + 1)).toEqual(Array(SOURCE_SHARE.items + 1).fill('emergency'));
      expect(top.slice(SOURCE_SHARE.items + 1, SOURCE_SHARE.items + 7)).toEqual(Array(6).fill('urgent'));
      expect(first.items.filter((i) => i.conversationId.startsWith('conv-'))).toHaveLength(6);
      expect(first.items.some((i) => i.conversationId === `bf:emulator:flood-${n}`)).toBe(true);

      expect(await countQueue(db)).toEqual({
        byPriority: { emergency: 221, urgent: 6, soon: 0, routine: 0 },
        byStatus: { open: 227, claimed: 0, resolved: 0 },
        heldBack: 220 - SOURCE_SHARE.items,
      });
    });

    it('pages through everything once, in order, while new items arrive between pages', async () => {
      const before = (await walk(500)).map((i) => i.id);
      const seen = await walk(25, () => Promise.all([urgent('net:late-arrival'), emergency('net:late-emergency')]));
      const ids = seen.map((i) => i.id);
      expect(new Set(ids).size).toBe(ids.length); // nothing twice
      expect(before.filter((id) => !ids.includes(id))).toEqual([]); // nothing that was there is skipped
      // The order is the queue's: held-back flood last, and within each part most pressing, then oldest.
      const everything = await walk(500);
      const rank = { emergency: 0, urgent: 1, soon: 2, routine: 3 } as const;
      const unheld = everything.slice(0, everything.length - (await countQueue(db)).heldBack);
      for (let i = 1; i < unheld.length; i++) {
        const [a, b] = [unheld[i - 1]!, unheld[i]!];
        expect(rank[a.priority] < rank[b.priority] || (rank[a.priority] === rank[b.priority] && a.createdAt <= b.createdAt)).toBe(true);
      }
    });

    it('refuses a cursor it did not make', () => {
      expect(decodeCursor('not-a-cursor')).toBeUndefined();
      expect(decodeCursor(Buffer.from('[1,false,false,9,"x","y"]').toString('base64url'))).toBeUndefined();
    });

    it('keeps rate buckets on the database clock: a burst, then refusals, the first one marked', async () => {
      const limit = { scope: `test-${backend.name}`, burst: 3, perSecond: 0.001 };
      const verdicts = [];
      for (let i = 0; i < 5; i++) verdicts.push(await takeToken(db, limit, 'net:a'));
      expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, false, false]);
      expect(verdicts.slice(3)).toEqual([
        { allowed: false, retryAfterSeconds: expect.any(Number), firstRefusal: true },
        { allowed: false, retryAfterSeconds: expect.any(Number), firstRefusal: false },
      ]);
      expect((await takeToken(db, limit, 'net:b')).allowed).toBe(true);
    });

    it.skipIf(backend.name !== 'PostgreSQL server')('shares a bucket between instances (two connection pools)', async () => {
      const other = await openDatabase({ databaseUrl: url!, dataDir: 'unused' });
      try {
        const limit = { scope: 'test-shared', burst: 4, perSecond: 0.001 };
        const verdicts = await Promise.all(Array.from({ length: 8 }, (_, i) => takeToken(i % 2 ? other : db, limit, 'net:shared')));
        expect(verdicts.filter((v) => v.allowed)).toHaveLength(4);
      } finally {
        await other.close();
      }
    });
  });
}
