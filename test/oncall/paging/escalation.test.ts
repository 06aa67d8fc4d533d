import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { claimConcern } from '../../../src/concerns/sql/claim.js';
import type { Database } from '../../../src/db/database.js';
import { claimDueJobs } from '../../../src/jobs/claim.js';
import { PAGE_STEP_JOB } from '../../../src/oncall/paging/start-paging.js';
import { engines, type OpenedEngine } from '../../support/engines.js';
import { FakeTwilio } from '../../support/fake-twilio.js';
import { FULL_ROTA, rotaOf } from '../fixtures.js';
import { PATIENT, eventsOf, pagingOn, raise } from './paging-harness.js';

const SAM = '+447700900101';
const ALEX = '+447700900102';
const DUTY = '+447700900199';
const rota = rotaOf(FULL_ROTA);
/** Wednesday 2 December 2026, 10:00 in London: sam on call, alex backing up. */
const WEDNESDAY_10AM = new Date('2026-12-02T10:00:00Z');

for (const engine of engines) {
  describe.skipIf(!engine.available)(`paging with escalation on ${engine.name}`, () => {
    let opened: OpenedEngine;
    let db: Database;
    const twilio = new FakeTwilio();
    beforeAll(async () => {
      await twilio.start();
      twilio.sendStatusCallbacks = false;
      opened = await engine.open();
      db = opened.db;
    });
    afterAll(async () => {
      await opened.cleanup();
      await twilio.stop();
    });
    afterEach(() => void twilio.messages.splice(0));
    const sentTo = () => twilio.messages.map((m) => m.to);

    it('pages primary, backup, final in order, each after the acknowledgement time, then the chain again', async () => {
      const clock = new ManualClock(WEDNESDAY_10AM);
      const { after } = pagingOn(db, twilio, rota, clock);
      const item = await raise(db, clock, 'emergency');
      await after(0);
      expect(sentTo()).toEqual([SAM]);
      await after(299);
      expect(sentTo(), 'nobody else before 5 minutes').toEqual([SAM]);
      await after(2);
      expect(sentTo()).toEqual([SAM, ALEX]);
      await after(300);
      expect(sentTo()).toEqual([SAM, ALEX, DUTY]);
      await after(300);
      expect(sentTo()).toEqual([SAM, ALEX, DUTY, SAM]);
      expect(twilio.messages[3]!.body).toContain('round 2');
      const kinds = (await eventsOf(db, item.id)).map((e) => e.kind);
      expect(kinds).toEqual(['raised', 'paged', 'page-escalated', 'paged', 'page-escalated', 'paged', 'page-escalated', 'paged']);
      const paged = (await eventsOf(db, item.id)).filter((e) => e.kind === 'paged').map((e) => e.data.role);
      expect(paged).toEqual(['primary', 'backup', 'final', 'primary']);
      await claimConcern(db, item.id, { id: 'co-1', name: 'Co-ordinator 1' }, 15);
    });

    it('gives an urgent concern its own, longer acknowledgement time', async () => {
      const clock = new ManualClock(WEDNESDAY_10AM);
      const { after } = pagingOn(db, twilio, rota, clock);
      const item = await raise(db, clock, 'urgent');
      await after(0);
      await after(14 * 60);
      expect(sentTo()).toEqual([SAM]);
      await after(61);
      expect(sentTo()).toEqual([SAM, ALEX]);
      await claimConcern(db, item.id, { id: 'co-1', name: 'Co-ordinator 1' }, 15);
    });

    it('stops the chain when a co-ordinator claims the concern', async () => {
      const clock = new ManualClock(WEDNESDAY_10AM);
      const { after } = pagingOn(db, twilio, rota, clock);
      const item = await raise(db, clock, 'emergency');
      await after(0);
      await claimConcern(db, item.id, { id: 'co-1', name: 'Co-ordinator 1' }, 15);
      await after(301);
      await after(301);
      expect(sentTo()).toEqual([SAM]);
      const { rows } = await db.query<{ state: string }>(`select state from jobs where singleton_key = $1 order by id`, [`paging:${item.id}`]);
      expect(rows.map((r) => r.state)).toEqual(['done', 'cancelled']);
    });

    it('stops the chain when the person paged texts ACK with the reference; other texts are not staff texts', async () => {
      const clock = new ManualClock(WEDNESDAY_10AM);
      const { after, paging } = pagingOn(db, twilio, rota, clock);
      const item = await raise(db, clock, 'emergency');
      await after(0);
      expect(await paging.staffText(PATIENT.phone, `ACK ${item.reference}`), 'a patient number').toBeUndefined();
      expect(await paging.staffText(SAM, 'my chest hurts'), 'not an ACK').toBeUndefined();
      expect(await paging.staffText('07700 900101', `ack ${item.reference.toLowerCase()}`)).toMatch(new RegExp(`${item.reference} is yours`));
      await after(301);
      await after(301);
      expect(sentTo()).toEqual([SAM]);
      const events = await eventsOf(db, item.id);
      expect(events.map((e) => e.kind)).toEqual(['raised', 'paged', 'claimed', 'patient-told-claimed', 'acknowledged']);
      const { rows } = await db.query<{ claimed_by: string }>('select claimed_by from concerns where id = $1', [item.id]);
      expect(rows[0]!.claimed_by).toBe('oncall:sam');
      expect(await paging.staffText(ALEX, `ACK ${item.reference}`)).toMatch(/was not claimed \(claimed by Sam Patel\)/);
    });

    it('pages carry the reference, the priority and the console link, and nothing that identifies the patient', async () => {
      const clock = new ManualClock(WEDNESDAY_10AM);
      const { after, log } = pagingOn(db, twilio, rota, clock);
      const item = await raise(db, clock, 'emergency');
      await after(0);
      await after(301);
      await after(301);
      expect(twilio.messages).toHaveLength(3);
      for (const message of twilio.messages) {
        expect(message.body).toContain(item.reference);
        expect(message.body).toContain('EMERGENCY');
        expect(message.body).toContain(`https://carepoint.example.nhs.uk/console/queue/${item.id}`);
        expect(message.from).toBe('+447700900001');
        for (const secret of [PATIENT.name, 'Margaret', 'Hollingsworth', PATIENT.dateOfBirth, '07/03/1941', '1941', PATIENT.phone, '900555',
          'Swollen', 'breath', 'heart']) {
          expect(message.body).not.toContain(secret);
        }
      }
      for (const phone of [SAM, ALEX, DUTY, '900101', '900199', PATIENT.phone, '900555', PATIENT.name]) expect(log()).not.toContain(phone);
      await claimConcern(db, item.id, { id: 'co-1', name: 'Co-ordinator 1' }, 15);
    });

    it('after a restart fires an overdue escalation at once, exactly once', async () => {
      const clock = new ManualClock(WEDNESDAY_10AM);
      const before = pagingOn(db, twilio, rota, clock);
      const item = await raise(db, clock, 'emergency');
      await before.after(0);
      expect(sentTo()).toEqual([SAM]);
      // Down for 12 minutes: the backup's step (due at 5) is overdue; the final contact's follows it, not with it.
      db = await opened.restart();
      clock.advance(12 * 60_000);
      const restarted = pagingOn(db, twilio, rota, clock);
      expect(await restarted.jobs.runDue({ asIfSecondsLater: 12 * 60 })).toBe(1);
      expect(await restarted.jobs.runDue({ asIfSecondsLater: 12 * 60 })).toBe(0);
      expect(sentTo()).toEqual([SAM, ALEX]);
      expect(await restarted.jobs.runDue({ asIfSecondsLater: 17 * 60 + 1 })).toBe(1);
      expect(sentTo()).toEqual([SAM, ALEX, DUTY]);
      await claimConcern(db, item.id, { id: 'co-1', name: 'Co-ordinator 1' }, 15);
    });

    it('pages once when the runner holding a step died before finishing it', async () => {
      const clock = new ManualClock(WEDNESDAY_10AM);
      const item = await raise(db, clock, 'emergency');
      // A runner claims the first step and dies (its lease of 60 s runs out with nothing done).
      const held = await claimDueJobs(db, { aheadSeconds: 0, handled: [{ name: PAGE_STEP_JOB, leaseSeconds: 60 }], lockedBy: 'dead-runner', limit: 10 });
      expect(held).toHaveLength(1);
      const survivor = pagingOn(db, twilio, rota, clock);
      expect(await survivor.jobs.runDue({ asIfSecondsLater: 30 })).toBe(0);
      expect(await survivor.jobs.runDue({ asIfSecondsLater: 61 })).toBe(1);
      expect(await survivor.jobs.runDue({ asIfSecondsLater: 62 })).toBe(0);
      expect(sentTo()).toEqual([SAM]);
      await claimConcern(db, item.id, { id: 'co-1', name: 'Co-ordinator 1' }, 15);
    });

    it.skipIf(engine.kind !== 'postgres')('with two instances, exactly one pages each step', async () => {
      const clock = new ManualClock(WEDNESDAY_10AM);
      const other = await opened.another();
      const one = pagingOn(db, twilio, rota, clock);
      const two = pagingOn(other, twilio, rota, clock);
      const item = await raise(db, clock, 'emergency');
      const both = (seconds: number) => Promise.all([one.jobs.runDue({ asIfSecondsLater: seconds }), two.jobs.runDue({ asIfSecondsLater: seconds })]);
      const first = await both(0);
      expect(first[0]! + first[1]!).toBe(1);
      expect(sentTo()).toEqual([SAM]);
      clock.advance(301_000);
      const second = await both(301);
      expect(second[0]! + second[1]!).toBe(1);
      expect(sentTo()).toEqual([SAM, ALEX]);
      await claimConcern(db, item.id, { id: 'co-1', name: 'Co-ordinator 1' }, 15);
    });
  });
}
