import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/clock.js';
import { eventually } from '../../support/engines.js';
import { FakeTwilio } from '../../support/fake-twilio.js';
import { SmsPhone } from '../../support/sms-phone.js';
import { DEV_TOKEN, startCarepoint, type RunningCarepoint } from '../../support/start-carepoint.js';
import { FULL_ROTA, tempDir, writeRota } from '../fixtures.js';

const SAM = '+447700900101';
const PATIENT = '+447911123456';

describe('paging in a running Carepoint', () => {
  let twilio: FakeTwilio;
  let server: RunningCarepoint;
  beforeAll(async () => {
    twilio = await new FakeTwilio().start();
    twilio.sendStatusCallbacks = false;
    const rotaFile = await writeRota(await tempDir(), FULL_ROTA);
    server = await startCarepoint({
      env: { ...twilio.env(), ROTA_FILE: rotaFile, PAGING_FROM_NUMBER: '+447700900002' },
      // Wednesday 10:00 in London: sam is on call.
      overrides: { clock: new ManualClock(new Date('2026-12-02T10:00:00Z')), jobs: { pollMs: 200 } },
    });
  });
  afterAll(async () => {
    await server?.stop();
    await twilio?.stop();
  });

  it('pages the person on call at once for a red flag by text, and their ACK claims it without a patient turn', async () => {
    const patient = new SmsPhone(server.url, twilio, PATIENT);
    const answer = await patient.text("my dad can't breathe and his lips are blue");
    expect(answer.text).toMatch(/999/);
    await eventually(() => twilio.messages.some((m) => m.to === SAM), 10_000);
    const page = twilio.messages.find((m) => m.to === SAM)!;
    expect(page.from).toBe('+447700900002');
    expect(page.body).toMatch(/^Carepoint EMERGENCY CP-[A-Z0-9]{6}: /);
    expect(page.body).not.toMatch(/breathe|lips|dad|7911/);
    const reference = /CP-[A-Z0-9]{6}/.exec(page.body)![0];

    // The patient's own "ACK" is a patient's message: screened and answered as one, never a claim.
    const patientAck = await patient.text(`ACK ${reference}`);
    expect(patientAck.text).not.toMatch(/is yours/);

    const staff = new SmsPhone(server.url, twilio, SAM);
    const ack = await staff.text(`ACK ${reference}`);
    expect(ack.messages).toEqual([`Carepoint: ${reference} is yours (claimed for 15 minutes; work on it in the console to keep it).`]);
    const { rows } = await server.carepoint.db.query<{ claimed_by: string; status: string }>('select claimed_by, status from concerns where reference = $1', [reference]);
    expect(rows[0]).toEqual({ claimed_by: 'oncall:sam', status: 'claimed' });
    const { rows: staffTurns } = await server.carepoint.db.query('select 1 from sms_inbound where conversation_id = $1', [`sms:${SAM}`]);
    expect(staffTurns, 'the ACK is not taken in as a patient message').toEqual([]);
    const { rows: patientTurns } = await server.carepoint.db.query('select 1 from sms_inbound where conversation_id = $1', [`sms:${PATIENT}`]);
    expect(patientTurns).toHaveLength(2);
    for (const phone of [SAM.slice(3), PATIENT.slice(3)]) expect(server.logText()).not.toContain(phone);
  });

  it('shows who is on call, the alerts and the watchdog at GET /api/oncall/status, to co-ordinators only', async () => {
    expect((await fetch(`${server.url}/api/oncall/status`)).status).toBe(401);
    let body: Record<string, any> = {};
    await eventually(async () => {
      const res = await fetch(`${server.url}/api/oncall/status`, { headers: { authorization: `Bearer ${DEV_TOKEN}` } });
      body = (await res.json()) as Record<string, any>;
      return res.status === 200 && body.watchdog.late === false;
    }, 10_000);
    expect(body.onCall).toMatchObject({ source: 'shift', primary: { id: 'sam', name: 'Sam Patel' }, backup: { id: 'alex' }, final: { id: 'duty-manager' } });
    expect(body.alerts).toEqual([]);
    expect(JSON.stringify(body)).not.toMatch(/7700900/);
  });
});
