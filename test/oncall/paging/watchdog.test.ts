import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { claimConcern } from '../../../src/concerns/sql/claim.js';
import type { Database } from '../../../src/db/database.js';
import { cancel } from '../../../src/jobs/schedule.js';
import { openAlerts } from '../../../src/oncall/paging/sql/alerts.js';
import { engines, type OpenedEngine } from '../../support/engines.js';
import { FakeTwilio } from '../../support/fake-twilio.js';
import { FULL_ROTA, rotaOf } from '../fixtures.js';
import { PATIENT, pagingOn, raise } from './paging-harness.js';

const DUTY = '+447700900199';
const rota = rotaOf(FULL_ROTA);
const WEDNESDAY_10AM = new Date('2026-12-02T10:00:00Z');

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the paging watchdog on ${engine.name}`, () => {
    let opened: OpenedEngine;
    let db: Database;
    const twilio = new FakeTwilio();
    beforeAll(async () => {
      await twilio.start();
      twilio.sendStatusCallbacks = false;
    });
    afterAll(() => twilio.stop());
    // Each test its own database: the watchdog looks at the whole queue.
    beforeEach(async () => {
      opened = await engine.open();
      db = opened.db;
    });
    afterEach(async () => {
      twilio.messages.splice(0);
      twilio.failNext(0);
      await opened.cleanup();
    });
    const alertsSent = () => twilio.messages.filter((m) => m.body.startsWith('Carepoint ALERT'));
    const alertRows = async (kind: string) =>
      (await db.query<{ n: number }>('select count(*)::int as n from oncall_alerts where kind = $1', [kind])).rows[0]!.n;

    it('raises one alert, and pages the final contact once, for an emergency unclaimed past its threshold', async () => {
      const clock = new ManualClock(WEDNESDAY_10AM);
      const { after, paging, log } = pagingOn(db, twilio, rota, clock);
      paging.start();
      await paging.stop();
      const item = await raise(db, clock, 'emergency');
      await after(0);
      for (let minute = 1; minute <= 29; minute++) await after(60);
      expect(alertsSent(), 'not before 30 minutes').toEqual([]);
      for (let minute = 30; minute <= 45; minute++) await after(60);
      expect(alertsSent().map((m) => m.to)).toEqual([DUTY]);
      const alert = alertsSent()[0]!;
      expect(alert.body).toContain(item.reference);
      expect(alert.body).toContain(`/console/queue/${item.id}`);
      for (const secret of [PATIENT.name, PATIENT.dateOfBirth, PATIENT.phone, 'Swollen']) expect(alert.body).not.toContain(secret);
      expect(await alertRows('unclaimed-concern')).toBe(1);
      expect((await openAlerts(db)).map((a) => [a.kind, a.detail.reference])).toEqual([['unclaimed-concern', item.reference]]);
      expect(log().split('\n').filter((l) => l.includes('"event":"oncall-alert"'))).toHaveLength(1);
      // Claimed: the incident is over; the alert is cleared, and no more pages go.
      await claimConcern(db, item.id, { id: 'co-1', name: 'Co-ordinator 1' }, 15);
      await after(60);
      expect(await openAlerts(db)).toEqual([]);
    });

    it('starts a chain that a crash between raising the concern and scheduling its page lost', async () => {
      const clock = new ManualClock(WEDNESDAY_10AM);
      const { after, paging } = pagingOn(db, twilio, rota, clock);
      const item = await raise(db, clock, 'urgent');
      await cancel(db, `paging:${item.id}`); // as if the process died before the page was scheduled
      await after(0);
      expect(twilio.messages).toEqual([]);
      paging.start();
      await paging.stop();
      await after(0);
      await after(0);
      expect(twilio.messages.map((m) => m.to)).toEqual(['+447700900101']);
      await claimConcern(db, item.id, { id: 'co-1', name: 'Co-ordinator 1' }, 15);
    });

    it('raises one alert while Twilio keeps failing, and pages the final contact once it can', async () => {
      const clock = new ManualClock(WEDNESDAY_10AM);
      const { after, paging, log } = pagingOn(db, twilio, rota, clock);
      twilio.failNext(1_000);
      const item = await raise(db, clock, 'emergency');
      await after(0);
      paging.start();
      await paging.stop();
      for (let tick = 0; tick < 5; tick++) await after(60);
      expect(twilio.messages).toEqual([]);
      expect(await alertRows('paging-failing')).toBe(1);
      expect((await openAlerts(db)).map((a) => a.kind)).toContain('paging-failing');
      expect(log().split('\n').filter((l) => l.includes('"event":"oncall-alert"') && l.includes('paging-failing'))).toHaveLength(1);
      const kinds = (await db.query<{ kind: string }>('select kind from concern_events where concern_id = $1', [item.id])).rows.map((r) => r.kind);
      expect(kinds).toContain('page-failed');
      // Twilio answers again: the final contact hears of the incident once, and the chain goes on.
      twilio.failNext(0);
      for (let tick = 0; tick < 3; tick++) await after(60);
      const alerts = alertsSent();
      expect(alerts.map((m) => m.to)).toEqual([DUTY]);
      expect(alerts[0]!.body).toMatch(/pages (are|were) failing/);
      expect(await alertRows('paging-failing')).toBe(1);
      await claimConcern(db, item.id, { id: 'co-1', name: 'Co-ordinator 1' }, 15);
    });
  });
}
