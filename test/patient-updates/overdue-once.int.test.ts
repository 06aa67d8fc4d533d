import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { schedule } from '../../src/jobs/schedule.js';
import { OVERDUE_CHECK_JOB } from '../../src/patient-updates/overdue-schedule.js';
import { FakeTwilio } from '../support/fake-twilio.js';
import { createTestDatabase, TEST_DATABASE_URL } from '../support/postgres.js';
import { concernOf } from '../handoff/support.js';
import { eventsOf, eventually, startWorld, WEDNESDAY_10AM, type World } from './support.js';

const OVERDUE = /^We are sorry: nobody from the co-ordination team has been in touch about your concern CP-/;

let twilio: FakeTwilio;
beforeAll(async () => {
  twilio = await new FakeTwilio().start();
});
afterAll(async () => {
  await twilio?.stop();
});

const overdueTextsTo = (number: string) => twilio.messages.filter((m) => m.to === number && OVERDUE.test(m.body));
const numberOf = (stored: string) => stored.replace(/^sms:/, '');

/** Settles what the background runners and outbox workers still have in hand, then counts again. */
async function settled(worlds: World[]): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await Promise.all(worlds.map((w) => w.after(1)));
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe('the overdue message is sent once', () => {
  it('after a restart: the check that fell due while the server was down runs once, and tells the person once', async () => {
    const clock = new ManualClock(WEDNESDAY_10AM);
    const first = await startWorld('sms', { twilio, clock });
    const patient = first.newPatient();
    expect(await patient.say('speak to a human')).toMatch(/asked a care co-ordinator/);
    const { id } = await concernOf(first.db, patient.stored);
    const dataDir = first.app.dataDir;
    await first.stop();

    // Down over a whole working day: the check is long overdue when the server comes back.
    const again = await startWorld('sms', { twilio, clock, dataDir });
    try {
      await again.after(26 * 3600);
      await eventually(() => overdueTextsTo(numberOf(patient.stored)).length > 0, 10_000, 'the overdue message');
      await settled([again]);
      await again.after(7 * 24 * 3600);
      await settled([again]);
      expect(overdueTextsTo(numberOf(patient.stored))).toHaveLength(1);
      expect((await eventsOf(again.db, id)).filter((e) => e.kind === 'patient-told-overdue')).toHaveLength(1);
    } finally {
      await again.stop();
    }
  });

  describe.skipIf(!TEST_DATABASE_URL)('with two instances over one PostgreSQL database', () => {
    let drop: (() => Promise<void>) | undefined;
    let worlds: World[] = [];
    beforeAll(async () => {
      const database = await createTestDatabase();
      drop = database.drop;
      const env = { DATABASE_URL: database.url, LOG_HASH_SECRET: 'test-secret-0123456789abcdef' };
      // Started one after the other: the first migrates the new database.
      worlds = [await startWorld('sms', { twilio, env }), await startWorld('sms', { twilio, env })];
    });
    afterAll(async () => {
      for (const world of worlds) await world.stop();
      await drop?.();
    });

    it('sends it once even when both instances run checks for the same concern at the same moment', async () => {
      const [a, b] = worlds as [World, World];
      const patients = [a.newPatient(), b.newPatient(), a.newPatient(), b.newPatient()];
      const ids: string[] = [];
      for (const patient of patients) {
        expect(await patient.say('speak to a human')).toMatch(/asked a care co-ordinator/);
        const { id } = await concernOf(a.db, patient.stored);
        ids.push(id);
        // A second check for the same concern (no singleton key), so that both instances' runners have one each:
        // only the unique index of migration 030 stands between them and a second message.
        await schedule(a.db, { name: OVERDUE_CHECK_JOB, payload: { concernId: id }, inSeconds: 3601 });
      }
      await Promise.all([a.after(26 * 3600), b.after(26 * 3600)]);
      for (const patient of patients) await eventually(() => overdueTextsTo(numberOf(patient.stored)).length > 0, 15_000, 'the overdue messages');
      await settled(worlds);
      for (const [i, patient] of patients.entries()) {
        expect(overdueTextsTo(numberOf(patient.stored)), `patient ${i}`).toHaveLength(1);
        expect((await eventsOf(a.db, ids[i]!)).filter((e) => e.kind === 'patient-told-overdue')).toHaveLength(1);
      }
      // Every check ran (two per concern), whichever instance claimed it.
      const { rows } = await a.db.query<{ state: string }>(
        `select state from jobs where name = $1 and payload->>'concernId' = any($2::text[])`, [OVERDUE_CHECK_JOB, ids],
      );
      expect(rows.filter((r) => r.state === 'done').length).toBeGreaterThanOrEqual(8);
    });
  });
});
