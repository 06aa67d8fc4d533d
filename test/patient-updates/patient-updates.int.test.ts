import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGsm7 } from '../../src/knowledge/gsm7.js';
import { CONCERN_ANSWERS } from '../support/concern-answers.js';
import { concernOf, queueApi } from '../handoff/support.js';
import { DirectLineClient } from '../webchat/support/direct-line-client.js';
import { SCORES } from '../../src/patient-updates/update-texts.js';
import { eventsOf, eventually, feedbackOf, requestStateOf, startWorld, type ChannelName, type Patient, type World } from './support.js';

/** What the person is told after a concern, end to end on each channel, on a test clock with the jobs run by runDue. */
describe.each<ChannelName>(['chat', 'sms'])('what the patient is told, on %s', (channel) => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld(channel);
  });
  afterAll(async () => {
    await world?.stop();
  });

  /** "speak to a human" raises a 'soon' concern in one message, on both channels. */
  async function askForAPerson(patient: Patient) {
    expect(await patient.say('speak to a human')).toMatch(/asked a care co-ordinator/);
    return concernOf(world.db, patient.stored);
  }

  const sam = () => queueApi(world.app.url, 'sam');
  const alex = () => queueApi(world.app.url, 'alex');
  const nth = (patient: Patient, n: number, what: string) => eventually(() => patient.received()[n], 10_000, what);

  it('tells the person who is looking at their concern, and the outcome when it is resolved, then takes a score and a comment', async () => {
    const patient = world.newPatient();
    let concernId: string;
    let pathway: string | null;
    if (channel === 'chat') {
      // The whole concern dialog on chat, so that the feedback is kept with its pathway.
      expect(await patient.say("I'm worried")).toMatch(/about you, or about someone you care for/);
      await patient.say('me');
      for (const answer of CONCERN_ANSWERS) await patient.say(answer);
      concernId = (await concernOf(world.db, patient.stored)).id;
      pathway = 'kidney';
    } else {
      concernId = (await askForAPerson(patient)).id;
      pathway = null;
    }
    const reference = (await world.db.query<{ reference: string }>('select reference from concerns where id = $1', [concernId])).rows[0]!.reference;

    expect((await sam().claim(concernId)).status).toBe(200);
    const claimed = await nth(patient, 0, 'the claimed message');
    expect(claimed).toBe(`Sam from the co-ordination team is looking at your concern ${reference}. If things get worse, call NHS 111, or 999 in an emergency.`);

    expect((await sam().call('POST', `/api/queue/${concernId}/resolve`, { outcome: 'appointment-arranged', text: 'Clinic booked for Friday' })).status).toBe(200);
    const resolved = await nth(patient, 1, 'the resolved message');
    expect(resolved).toContain(`Your concern ${reference} is now closed: an appointment has been arranged.`);
    expect(resolved).not.toContain('Clinic booked'); // the co-ordinator's own note stays in the console
    if (channel === 'sms') {
      expect(resolved).toMatch(/Reply 1 to 5 \(1 is poor, 5 is very good\)\.$/);
      expect(isGsm7(claimed) && isGsm7(resolved)).toBe(true);
    } else {
      expect(resolved).toMatch(/Choose a score from 1 \(poor\) to 5 \(very good\)\.$/);
      expect(patient.lastChoices()).toEqual(['1', '2', '3', '4', '5']);
    }

    // A button (chat sends its value) or a number (SMS), then a comment.
    expect(await patient.say('4')).toMatch(/anything you would like to add\? .* or reply SKIP\.$/);
    expect(await patient.say('Sam sorted it out really quickly, thank you')).toBe('Thank you for your feedback. It helps us improve the service.');
    expect(await feedbackOf(world.db, concernId)).toEqual({ pathway, channel, score: 4, comment: 'Sam sorted it out really quickly, thank you' });
    const events = await eventsOf(world.db, concernId);
    expect(events.map((e) => e.kind).filter((k) => k.startsWith('patient-told') || k.startsWith('feedback'))).toEqual([
      'patient-told-claimed', 'feedback-asked', 'patient-told-resolved', 'feedback-given',
    ]);
    expect(events.find((e) => e.kind === 'feedback-given')!.data).toEqual({ score: 4 });
    expect(events.find((e) => e.kind === 'patient-told-claimed')).toMatchObject({ actor_id: 'sam', data: { sent: true, coordinator: 'Sam Jones' } });
    expect(events.find((e) => e.kind === 'patient-told-resolved')!.data).toMatchObject({ sent: true, outcome: 'appointment-arranged' });

    // Asked once per concern: after that a number is just a message.
    expect(await requestStateOf(world.db, concernId)).toBe('done');
    await patient.say('5');
    expect((await feedbackOf(world.db, concernId))!.score).toBe(4);
    // Reopened and resolved again: the outcome is told, the question is not asked again.
    expect((await sam().call('POST', `/api/queue/${concernId}/reopen`)).status).toBe(200);
    expect((await sam().resolve(concernId)).status).toBe(200);
    const again = await eventually(() => patient.received().find((t, i) => i > 1 && t.includes('is now closed')), 10_000, 'the second resolved message');
    expect(again).not.toMatch(/1 to 5/);
    // Nothing identifying in the logs.
    for (const secret of ['Sam sorted it out', patient.stored.replace(/^sms:\+/, '')]) expect(world.app.logText()).not.toContain(secret);
  });

  it('tells the person again only when someone else claims it after a release', async () => {
    const patient = world.newPatient();
    const { id } = await askForAPerson(patient);
    expect((await sam().claim(id)).status).toBe(200);
    await nth(patient, 0, 'the claimed message');
    expect((await sam().call('POST', `/api/queue/${id}/release`)).status).toBe(200);
    expect((await sam().claim(id)).status).toBe(200); // the same co-ordinator again: nothing new to tell
    expect((await sam().call('POST', `/api/queue/${id}/release`)).status).toBe(200);
    expect((await alex().claim(id)).status).toBe(200);
    expect(await nth(patient, 1, "Alex's claimed message")).toMatch(/^Alex from the co-ordination team is looking at your concern CP-/);
    await world.after(5);
    expect(patient.received().filter((t) => /from the co-ordination team is looking/.test(t))).toHaveLength(2);
  });

  it('lets the feedback request lapse when the person asks something else, and answers the question', async () => {
    const patient = world.newPatient();
    const { id } = await askForAPerson(patient);
    await sam().claim(id);
    await sam().resolve(id);
    await nth(patient, 1, 'the resolved message');
    expect(await patient.say('how do I order a repeat prescription')).toMatch(/prescription/i);
    expect(await requestStateOf(world.db, id)).toBe('lapsed');
    expect(await patient.say('3')).not.toMatch(/anything you would like to add/);
    expect(await feedbackOf(world.db, id)).toBeUndefined();
  });

  it('lets the request lapse when the person asks for a person instead, and flags that as usual', async () => {
    const patient = world.newPatient();
    const { id } = await askForAPerson(patient);
    await sam().claim(id);
    await sam().resolve(id);
    await nth(patient, 1, 'the resolved message');
    expect(await patient.say('speak to a human')).toMatch(/asked a care co-ordinator/);
    expect(await requestStateOf(world.db, id)).toBe('lapsed');
    const { rows } = await world.db.query<{ priority: string }>(`select priority from concerns where conversation_id = $1 and status <> 'resolved'`, [patient.stored]);
    expect(rows.map((r) => r.priority)).toEqual(['soon']);
  });

  it('takes no answer once the question has expired (7 days)', async () => {
    const patient = world.newPatient();
    const { id } = await askForAPerson(patient);
    await sam().resolve(id);
    await nth(patient, 0, 'the resolved message');
    const { rows } = await world.db.query<{ days: number }>(`select round(extract(epoch from expires_at - asked_at) / 86400)::int as days from feedback_requests where concern_id = $1`, [id]);
    expect(rows[0]!.days).toBe(7);
    // Seven days on (the request is on the database's clock, which a test cannot move: its expiry is brought back).
    await world.db.query(`update feedback_requests set expires_at = now() - interval '1 second' where concern_id = $1`, [id]);
    expect(await patient.say('4')).not.toMatch(/anything you would like to add/);
    expect(await feedbackOf(world.db, id)).toBeUndefined();
  });

  it('lets a comment lapse when the person asks a new question after the score', async () => {
    const patient = world.newPatient();
    const { id } = await askForAPerson(patient);
    await sam().claim(id);
    await sam().resolve(id);
    await nth(patient, 1, 'the resolved message');
    expect(await patient.say('2')).toMatch(/anything you would like to add/);
    expect(await patient.say('what is an egfr blood test?')).toMatch(/eGFR/);
    expect(await feedbackOf(world.db, id)).toMatchObject({ score: 2, comment: null });
    expect(await requestStateOf(world.db, id)).toBe('lapsed');
  });

  it('answers an emergency in reply to the feedback question as an emergency, and takes nothing as feedback', async () => {
    const patient = world.newPatient();
    const { id } = await askForAPerson(patient);
    await sam().claim(id);
    await sam().resolve(id);
    await nth(patient, 1, 'the resolved message');
    const answer = await patient.say("1 my dad can't breathe and his lips are blue");
    expect(answer).toMatch(/^Call 999 now/);
    const { rows } = await world.db.query<{ priority: string }>(`select priority from concerns where conversation_id = $1 and status <> 'resolved'`, [patient.stored]);
    expect(rows.map((r) => r.priority)).toEqual(['emergency']);
    expect(await feedbackOf(world.db, id)).toBeUndefined();
    expect(await requestStateOf(world.db, id)).toBe('lapsed');
  });

  it('tells the person once when their concern passes its target time with nobody in touch, and never after contact', async () => {
    const patient = world.newPatient();
    const { id } = await askForAPerson(patient); // 'soon': 1 working day
    const contacted = world.newPatient();
    const { id: claimedId } = await askForAPerson(contacted);
    await sam().claim(claimedId);
    await nth(contacted, 0, 'the claimed message');

    await world.after(2 * 3600); // Wednesday noon: 2 of its 10 working hours gone
    expect(patient.received()).toEqual([]);
    await world.after(24 * 3600); // Thursday noon: 12 working hours since it was raised
    const overdue = await nth(patient, 0, 'the overdue message');
    expect(overdue).toMatch(/^We are sorry: nobody from the co-ordination team has been in touch about your concern CP-[A-HJ-NP-Z2-9]{6} within our target time \(1 working day\)\./);
    expect(overdue).toContain("It is still in the care co-ordinators' queue and one will contact you as soon as they can, but we cannot promise a time.");
    expect(overdue).toContain('call NHS 111 now, or 999 in an emergency');
    if (channel === 'sms') expect(isGsm7(overdue)).toBe(true);
    await world.after(7 * 24 * 3600);
    expect(patient.received()).toHaveLength(1);
    const told = (await eventsOf(world.db, id)).filter((e) => e.kind === 'patient-told-overdue');
    expect(told).toHaveLength(1);
    expect(told[0]!.data).toMatchObject({ priority: 'soon', target: '1 working day', sent: true });
    // The claimed one was contacted: only its claimed message.
    expect(contacted.received()).toHaveLength(1);
    expect((await eventsOf(world.db, claimedId)).some((e) => e.kind === 'patient-told-overdue')).toBe(false);
  });

  it('raises the open concern one step on the third contact within 72 hours, once, with its reason', async () => {
    const patient = world.newPatient();
    const { id } = await askForAPerson(patient); // contact 1
    await patient.say('hello'); // the same visit: not a contact
    await world.after(31 * 60);
    await patient.say('hello'); // contact 2
    expect((await concernOf(world.db, patient.stored)).priority).toBe('soon');
    await world.after(45 * 60);
    await patient.say('any update?'); // contact 3
    const raised = await concernOf(world.db, patient.stored);
    expect(raised.priority).toBe('urgent');
    const events = (await eventsOf(world.db, id)).filter((e) => e.kind === 'priority-raised');
    expect(events.map((e) => e.data)).toEqual([{ from: 'soon', to: 'urgent', reason: 'repeat-contact', contacts: 3 }]);
    // An urgent concern pages as any does, and the queue puts it with the urgent ones.
    const { rows: pages } = await world.db.query(`select 1 from jobs where singleton_key = $1`, [`paging:${id}`]);
    expect(pages.length).toBeGreaterThan(0);
    const queue = (await sam().call('GET', '/api/queue?priority=urgent')).body;
    expect(queue.items.some((i: { id: string }) => i.id === id)).toBe(true);
    const detail = await sam().detail(id);
    expect(detail.events.find((e: { kind: string }) => e.kind === 'priority-raised').data.reason).toBe('repeat-contact');

    await world.after(31 * 60);
    await patient.say('hello again'); // contact 4: raised once per concern, never to emergency
    expect((await concernOf(world.db, patient.stored)).priority).toBe('urgent');
    expect((await eventsOf(world.db, id)).filter((e) => e.kind === 'priority-raised')).toHaveLength(1);
  });

  // The local web chat (Direct Line transport): the resolved message carries its score buttons in the activity log.
  if (channel === 'chat') it('asks for feedback with buttons in the local web chat too, and takes a score and SKIP', async () => {
    const chat = new DirectLineClient(world.app.url);
    await chat.start();
    await chat.post('speak to a human');
    const { id } = await concernOf(world.db, chat.conversationId);
    await sam().claim(id);
    await sam().resolve(id);
    const resolved = await eventually(async () => (await chat.pollAll()).find((a) => /is now closed/.test(a.text ?? '')), 10_000, 'the resolved message in the web chat');
    const buttons = (resolved as { suggestedActions?: { actions: { type: string; value: string }[] } }).suggestedActions?.actions;
    expect(buttons?.map((b) => [b.type, b.value])).toEqual(SCORES.map((v) => ['imBack', v]));
    await chat.post('5');
    expect((await chat.pollAll()).map((a) => a.text)).toContain('Thank you. Is there anything you would like to add? Type it in one message, or reply SKIP.');
    await chat.post('SKIP');
    expect((await chat.pollAll()).map((a) => a.text)).toContain('Thank you for your feedback. It helps us improve the service.');
    expect(await feedbackOf(world.db, id)).toEqual({ pathway: null, channel: 'chat', score: 5, comment: null });
    expect(await requestStateOf(world.db, id)).toBe('done');
  });

  // SMS only: chat has no opt-out.
  if (channel === 'sms') it('never texts a person who opted out (STOP), and records that it was not sent', async () => {
    const patient = world.newPatient();
    const { id } = await askForAPerson(patient);
    await patient.say('STOP');
    await sam().claim(id);
    await sam().resolve(id);
    await world.after(5);
    expect(patient.received()).toEqual([]);
    const events = await eventsOf(world.db, id);
    for (const kind of ['patient-told-claimed', 'patient-told-resolved']) {
      expect(events.find((e) => e.kind === kind)!.data).toMatchObject({ sent: false, reason: expect.stringMatching(/^opted-out/) });
    }
    expect(events.some((e) => e.kind === 'feedback-asked')).toBe(false);
    expect(await requestStateOf(world.db, id)).toBeUndefined();
  });
});
