import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimInboundSms, storeInboundReply } from '../../../src/channels/sms/inbound-deliveries.js';
import {
  claimDueSms, enqueueSms, expireStaleSending, markSmsFailed, markSmsSent, recordDeliveryStatus,
} from '../../../src/channels/sms/outbox.js';
import { retryDelayMs } from '../../../src/channels/sms/outbox-worker.js';
import { ManualClock } from '../../../src/clock.js';
import type { Database } from '../../../src/db/database.js';
import { openDatabase } from '../../../src/db/open-database.js';
import { freshDataDir } from '../../support/database-template.js';
import { TEST_DATABASE_URL, createTestDatabase } from '../../support/postgres.js';

/** The outbox's claiming rules on both storage back-ends (PostgreSQL only when TEST_DATABASE_URL is set). */
const backends = [
  {
    name: 'PGlite',
    available: true,
    async open(): Promise<{ dbs: Database[]; cleanup: () => Promise<void> }> {
      const db = await openDatabase({ dataDir: await freshDataDir() });
      return { dbs: [db, db], cleanup: () => db.close() };
    },
  },
  {
    name: 'PostgreSQL server (two instances)',
    available: Boolean(TEST_DATABASE_URL),
    async open(): Promise<{ dbs: Database[]; cleanup: () => Promise<void> }> {
      const { url, drop } = await createTestDatabase();
      const a = await openDatabase({ databaseUrl: url, dataDir: 'unused' });
      const b = await openDatabase({ databaseUrl: url, dataDir: 'unused' });
      return { dbs: [a, b], cleanup: async () => { await a.close(); await b.close(); await drop(); } };
    },
  },
];

for (const backend of backends) {
  describe.skipIf(!backend.available)(`SMS outbox storage on ${backend.name}`, () => {
    let dbs: Database[];
    let cleanup: () => Promise<void>;
    const clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
    let n = 0;
    const phone = () => `+4479110${String(++n).padStart(5, '0')}`;

    beforeAll(async () => ({ dbs, cleanup } = await backend.open()));
    afterAll(async () => cleanup());

    it('two workers claiming at once never get the same message', async () => {
      const [a, b] = dbs as [Database, Database];
      const to = phone();
      for (let i = 0; i < 40; i++) await enqueueSms(a, clock, { phone: to, text: `Message ${i}`, purpose: 'status-update' });
      const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => claimDueSms(i % 2 ? b : a, clock, 7)));
      const ids = claims.flat().map((item) => item.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(40);
      expect(claims.flat().every((item) => item.status === 'sending' && item.attempts === 1)).toBe(true);
    });

    it('claims only what is due, and a retried message comes back after its back-off', async () => {
      const [db] = dbs as [Database];
      const [item] = await enqueueSms(db, clock, { phone: phone(), text: 'Retry me', purpose: 'coordinator-message' });
      const claimed = (await claimDueSms(db, clock, 100)).find((c) => c.id === item!.id)!;
      await markSmsFailed(db, clock, claimed.id, { error: 'Twilio answered 500', retryAt: new Date(clock.now().getTime() + 30_000) });
      expect((await claimDueSms(db, clock, 100)).some((c) => c.id === item!.id)).toBe(false);
      clock.advance(30_000);
      expect((await claimDueSms(db, clock, 100)).find((c) => c.id === item!.id)).toMatchObject({ attempts: 2 });
    });

    it('a row left sending past its lease becomes unknown, never pending again', async () => {
      const [db] = dbs as [Database];
      const [item] = await enqueueSms(db, clock, { phone: phone(), text: 'Interrupted', purpose: 'coordinator-message' });
      await claimDueSms(db, clock, 100);
      expect((await expireStaleSending(db, clock, 60_000)).some((e) => e.id === item!.id)).toBe(false);
      clock.advance(61_000);
      expect((await expireStaleSending(db, clock, 60_000)).find((e) => e.id === item!.id)).toMatchObject({ status: 'unknown' });
      expect((await claimDueSms(db, clock, 100)).some((c) => c.id === item!.id)).toBe(false);
    });

    it('keeps the furthest delivery status when callbacks arrive out of order', async () => {
      const [db] = dbs as [Database];
      const [item] = await enqueueSms(db, clock, { phone: phone(), text: 'Status', purpose: 'coordinator-message' });
      await claimDueSms(db, clock, 100);
      await markSmsSent(db, clock, item!.id, 'SMabcdef0123456789abcdef0123456789');
      await recordDeliveryStatus(db, clock, { twilioSid: 'SMabcdef0123456789abcdef0123456789', status: 'delivered' });
      const late = await recordDeliveryStatus(db, clock, { twilioSid: 'SMabcdef0123456789abcdef0123456789', status: 'sent' });
      expect(late.item?.deliveryStatus).toBe('delivered');
    });

    it('keeps a status callback that beats the send\'s answer, and applies it when the sid is recorded', async () => {
      const [db] = dbs as [Database];
      const sid = `SMearly${Date.now()}`;
      const [item] = await enqueueSms(db, clock, { phone: phone(), text: 'Early', purpose: 'coordinator-message' });
      await claimDueSms(db, clock, 100);
      expect(await recordDeliveryStatus(db, clock, { twilioSid: sid, status: 'delivered' })).toEqual({ early: true });
      expect(await recordDeliveryStatus(db, clock, { twilioSid: sid, status: 'sent' })).toEqual({ early: true });
      const sent = await markSmsSent(db, clock, item!.id, sid);
      expect(sent).toMatchObject({ status: 'sent', deliveryStatus: 'delivered' });
      // Applied once: nothing is left to apply again.
      expect((await db.query(`select count(*)::int as n from sms_early_statuses where twilio_sid = $1`, [sid])).rows[0]).toEqual({ n: 0 });
    });

    it('loses no status callback that races the send\'s answer on another connection', async () => {
      for (let round = 0; round < 8; round++) {
        const sid = `SMrace${round}x${Date.now()}`;
        const [item] = await enqueueSms(dbs[0]!, clock, { phone: phone(), text: 'Race', purpose: 'coordinator-message' });
        await claimDueSms(dbs[0]!, clock, 100);
        const [sent] = await Promise.all([
          markSmsSent(dbs[round % 2]!, clock, item!.id, sid),
          recordDeliveryStatus(dbs[(round + 1) % 2]!, clock, { twilioSid: sid, status: 'undelivered', errorCode: '30003' }),
        ]);
        expect(sent?.status).toBe('sent');
        const { rows } = await dbs[0]!.query(`select delivery_status, contact_problem from sms_outbox where id = $1`, [item!.id]);
        expect(rows[0]).toEqual({ delivery_status: 'undelivered', contact_problem: 'undelivered' });
      }
    });

    it('lets exactly one of several simultaneous deliveries claim a MessageSid', async () => {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) => claimInboundSms(dbs[i % 2]!, clock, { messageSid: 'SMsame0123456789', conversationId: 'sms:+447911000000', leaseMs: 20_000 })),
      );
      expect(results.filter(Boolean)).toEqual(['first']);
    });

    // The lease runs on the database's clock (instances' clocks may differ), so these wait in real time.
    it('lets exactly one later delivery take over a claim left unanswered past its lease', async () => {
      const [db] = dbs as [Database];
      const claim = { messageSid: `SMdied${Date.now()}`, conversationId: 'sms:+447911000000', leaseMs: 300 };
      expect(await claimInboundSms(db, clock, claim)).toBe('first');
      expect(await claimInboundSms(db, clock, claim)).toBeUndefined();
      await new Promise((r) => setTimeout(r, 400));
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => claimInboundSms(dbs[i % 2]!, clock, claim)));
      expect(results.filter(Boolean)).toEqual(['taken-over']);
      // The takeover renews the lease.
      expect(await claimInboundSms(db, clock, claim)).toBeUndefined();
    });

    it('never takes over a claim that has its reply', async () => {
      const [db] = dbs as [Database];
      const claim = { messageSid: `SManswered${Date.now()}`, conversationId: 'sms:+447911000000', leaseMs: 100 };
      expect(await claimInboundSms(db, clock, claim)).toBe('first');
      await storeInboundReply(db, clock, claim.messageSid, '<Response/>');
      await new Promise((r) => setTimeout(r, 200));
      expect(await claimInboundSms(db, clock, claim)).toBeUndefined();
    });
  });
}

describe('outbox back-off', () => {
  it('doubles from the base delay up to the ceiling', () => {
    const timing = { retryBaseMs: 30_000, retryMaxMs: 3_600_000 };
    expect([1, 2, 3, 4, 10].map((a) => retryDelayMs(a, timing))).toEqual([30_000, 60_000, 120_000, 240_000, 3_600_000]);
  });
});
