import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { appendAudit } from '../../src/concerns/audit/append-audit.js';
import { listAudit } from '../../src/concerns/audit/list-audit.js';
import { recordEmergency, submitConcern, type QueueItem } from '../../src/concerns/concern-queue.js';
import type { ConcernDetails } from '../../src/concerns/model.js';
import { listQueuePage } from '../../src/concerns/queue-page.js';
import { claimConcern } from '../../src/concerns/sql/claim.js';
import { expireLeases } from '../../src/concerns/sql/expire-leases.js';
import { markNotEmergency } from '../../src/concerns/sql/mark-not-emergency.js';
import { releaseConcern } from '../../src/concerns/sql/release.js';
import { reopenConcern } from '../../src/concerns/sql/reopen.js';
import { resolveConcern } from '../../src/concerns/sql/resolve.js';
import { touchClaim } from '../../src/concerns/sql/touch-claim.js';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { Conflict } from '../../src/http/errors.js';
import { freshDataDir } from '../support/database-template.js';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/postgres.js';

const backends = [
  { name: 'PGlite', available: true, async open() {
    const db = await openDatabase({ dataDir: await freshDataDir() });
    return { db, cleanup: () => db.close() };
  } },
  { name: 'PostgreSQL server', available: Boolean(TEST_DATABASE_URL), async open() {
    const { url, drop } = await createTestDatabase();
    const db = await openDatabase({ databaseUrl: url, dataDir: 'unused' });
    await migrate(db);
    return { db, cleanup: async () => { await db.close(); await drop(); } };
  } },
];

const details: ConcernDetails = {
  subject: 'self', pathway: 'kidney', kind: 'medication', description: 'My tablets have not arrived this month.',
  urgency: 'today', contactMethod: 'this-conversation', contactTime: 'any-time', consentToShare: true,
};
const coordinator = (n: number) => ({ id: `co-${n}`, name: `Co-ordinator ${n}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const backend of backends) {
  describe.skipIf(!backend.available)(`the concern lifecycle on ${backend.name}`, () => {
    let db: Database;
    let cleanup: () => Promise<void>;
    const clock = new ManualClock(new Date());
    const concern = () => submitConcern(db, clock, {
      channel: 'chat', conversationId: `bf:test:${randomUUID()}`, requesterKey: `bf:test:${randomUUID()}`,
      submissionId: randomUUID(), priority: 'urgent', details, summary: 'Medicines - Kidney', transcript: [],
    });
    const events = async (id: string) =>
      (await db.query<{ kind: string; actor_id: string | null }>('select kind, actor_id from concern_events where concern_id = $1 order by id', [id])).rows;

    beforeAll(async () => ({ db, cleanup } = await backend.open()));
    afterAll(() => cleanup?.());

    it('lets exactly one of 20 simultaneous claims win; the others are refused naming the holder', async () => {
      const item = await concern();
      const results = await Promise.allSettled(Array.from({ length: 20 }, (_, n) => claimConcern(db, item.id, coordinator(n), 15)));
      const won = results.filter((r): r is PromiseFulfilledResult<QueueItem> => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      const holder = won[0]!.value.claimedBy!;
      expect(refused).toHaveLength(19);
      for (const r of refused) {
        expect(r.reason).toBeInstanceOf(Conflict);
        expect((r.reason as Error).message).toBe(`cannot claim: claimed by ${holder.name}`);
      }
      expect((await events(item.id)).filter((e) => e.kind === 'claimed')).toEqual([{ kind: 'claimed', actor_id: holder.id }]);
    });

    it('puts an item whose claim ran out back in the queue, highlighted, with a lease-expired event; activity renews it', async () => {
      const item = await concern();
      const leaseMinutes = 0.5 / 60; // half a second
      await claimConcern(db, item.id, coordinator(1), leaseMinutes);
      await sleep(300);
      await touchClaim(db, item.id, coordinator(1).id, leaseMinutes); // activity by the holder: another half second
      await sleep(300);
      await expect(claimConcern(db, item.id, coordinator(2), leaseMinutes)).rejects.toThrow('claimed by Co-ordinator 1');
      await sleep(400);
      // Every read treats the run-out claim as none, before any sweep.
      const before = (await listQueuePage(db, { filter: { status: 'open' } })).items.find((i) => i.id === item.id);
      expect(before).toMatchObject({ status: 'open', claimedBy: null, leaseExpired: true });
      expect(await expireLeases(db)).toBeGreaterThanOrEqual(1);
      expect(await expireLeases(db)).toBe(0);
      expect((await events(item.id)).map((e) => e.kind)).toEqual(['raised', 'claimed', 'patient-told-claimed', 'lease-expired']);
      const taken = await claimConcern(db, item.id, coordinator(2), 15);
      expect(taken).toMatchObject({ status: 'claimed', claimedBy: coordinator(2), leaseExpired: false });
    });

    it('releases only for the holder, resolves with an outcome, reopens', async () => {
      const item = await concern();
      await claimConcern(db, item.id, coordinator(1), 15);
      await expect(releaseConcern(db, item.id, coordinator(2))).rejects.toThrow('claimed by Co-ordinator 1');
      await expect(resolveConcern(db, item.id, coordinator(2), { outcome: 'other' })).rejects.toThrow('claimed by Co-ordinator 1');
      expect(await releaseConcern(db, item.id, coordinator(1))).toMatchObject({ status: 'open', claimedBy: null });
      expect(await resolveConcern(db, item.id, coordinator(2), { outcome: 'passed-to-gp', text: 'GP surgery called' }))
        .toMatchObject({ status: 'resolved', outcome: 'passed-to-gp' });
      await expect(resolveConcern(db, item.id, coordinator(2), { outcome: 'other' })).rejects.toThrow('the concern is resolved');
      expect(await reopenConcern(db, item.id, coordinator(3))).toMatchObject({ status: 'open', outcome: null });
      await expect(reopenConcern(db, item.id, coordinator(3))).rejects.toThrow('the concern is open');
      expect((await events(item.id)).map((e) => e.kind)).toEqual(['raised', 'claimed', 'patient-told-claimed', 'released', 'resolved', 'reopened']);
    });

    it('shows every red flag added to an emergency item in its summary, most serious first', async () => {
      const conversationId = `bf:test:${randomUUID()}`;
      const raise = (flags: string[], advice: '999' | '111') => recordEmergency(db, clock, {
        channel: 'chat', conversationId, requesterKey: 'bf:test:flags', flags, advice, entry: { direction: 'in', text: 'x', at: clock.now().toISOString() },
      });
      await raise(['low-blood-sugar'], '111');
      await raise(['chest-pain'], '999');
      const { item, created } = await raise(['breathing-difficulty', 'chest-pain'], '999');
      expect(created).toBe(false);
      expect(item.details.redFlags).toEqual(['chest-pain', 'breathing-difficulty', 'low-blood-sugar']);
      expect(item.summary).toBe('Emergency red flag (chest-pain, breathing-difficulty, low-blood-sugar): told to call 999');
      expect((await events(item.id)).map((e) => e.kind)).toEqual(['raised', 'escalated', 'escalated']);
    });

    it('marks an emergency item not an emergency with the reason: urgent now, and a new red flag raises a new item', async () => {
      const conversationId = `bf:test:${randomUUID()}`;
      const raise = () => recordEmergency(db, clock, {
        channel: 'chat', conversationId, requesterKey: 'bf:test:nae', flags: ['chest-pain'], advice: '999', entry: { direction: 'in', text: 'x', at: clock.now().toISOString() },
      });
      const { item } = await raise();
      const marked = await markNotEmergency(db, item.id, coordinator(1), 'Asking about a film they watched');
      expect(marked).toMatchObject({ priority: 'urgent', status: 'open' });
      await expect(markNotEmergency(db, item.id, coordinator(1), 'again')).rejects.toThrow('not an emergency item');
      const event = await db.query<{ data: Record<string, unknown> }>(`select data from concern_events where concern_id = $1 and kind = 'not-an-emergency'`, [item.id]);
      expect(event.rows[0]!.data).toMatchObject({ reason: 'Asking about a film they watched', from: 'emergency', to: 'urgent' });
      const again = await raise();
      expect(again.created).toBe(true);
      expect(again.item.id).not.toBe(item.id);
    });

    it('keeps the audit log append-only: update, delete and truncate through the Database port all fail', async () => {
      const item = await concern();
      await appendAudit(db, { actor: coordinator(1), action: 'view', concernId: item.id, source: '127.0.0.1' });
      await expect(db.query(`update audit_log set actor_id = 'someone-else'`)).rejects.toThrow(/append-only/);
      await expect(db.query('delete from audit_log')).rejects.toThrow(/append-only/);
      await expect(db.query('truncate audit_log')).rejects.toThrow(/append-only/);
      await expect(db.transaction((tx) => tx.query('delete from audit_log where concern_id = $1', [item.id]))).rejects.toThrow(/append-only/);
      const { lines } = await listAudit(db, { concernId: item.id });
      expect(lines).toEqual([expect.objectContaining({ actor: coordinator(1), action: 'view', concernId: item.id, source: '127.0.0.1' })]);
    });
  });
}
