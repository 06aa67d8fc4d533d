import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { submitConcern } from '../../src/concerns/concern-queue.js';
import type { ConcernDetails } from '../../src/concerns/model.js';
import type { Priority } from '../../src/concerns/priority.js';
import { raiseForRepeatContact, recordContact } from '../../src/patient-updates/sql/contacts.js';
import { engines, type OpenedEngine } from '../support/engines.js';

const DETAILS = {
  subject: 'self', pathway: 'copd', kind: 'medication', description: 'My inhaler prescription has not come.', urgency: 'not-urgent',
  contactMethod: 'this-conversation', contactTime: 'any-time', consentToShare: true,
} as ConcernDetails;

/** Who counts as the same person, and how far a repeat contact raises a concern, on both engines. */
describe.each(engines.filter((e) => e.available))('repeat contact on $name', (engine) => {
  let opened: OpenedEngine;
  beforeAll(async () => {
    opened = await engine.open();
  });
  afterAll(async () => {
    await opened?.cleanup();
  });

  const raise = (requesterKey: string, priority: Priority, channel: 'chat' | 'sms' = 'chat') => submitConcern(opened.db, systemClock, {
    channel, conversationId: `${channel}:${randomUUID()}`, requesterKey, submissionId: randomUUID(), priority, details: DETAILS, summary: 'COPD', transcript: [],
  });
  const contact = (requesterKey: string, hoursAgo = 0) =>
    recordContact(opened.db, { requesterKey, conversationId: `c:${randomUUID()}`, at: new Date(Date.now() - hoursAgo * 3600_000) });

  it('counts a registered number and a chat linked to the same patient record as one person, within 72 hours', async () => {
    const patient = (await opened.db.query<{ id: string }>(`insert into patients (name, date_of_birth) values ('Test Person', '1950-01-31') returning id`)).rows[0]!.id;
    const chatKey = `bf:test:${randomUUID()}`;
    const chatConcern = await raise(chatKey, 'routine');
    await opened.db.query('update concerns set patient_id = $2 where id = $1', [chatConcern.id, patient]); // a co-ordinator's link
    expect(await contact(chatKey, 80)).toBe(1); // outside the window from now on
    expect(await contact(`patient:${patient}`, 2)).toBe(1); // the registered number texting: the old chat contact is past 72 hours
    expect(await contact(chatKey)).toBe(2);
    expect(await contact(`bf:test:${randomUUID()}`)).toBe(1); // someone else entirely
    expect(await contact(`patient:${patient}`)).toBe(3);
    const raised = await opened.db.transaction((tx) => raiseForRepeatContact(tx, `patient:${patient}`, 3));
    expect(raised).toEqual({ id: chatConcern.id, from: 'routine', to: 'soon' });
  });

  it('raises one step, once per concern, and never to emergency', async () => {
    const key = `bf:test:${randomUUID()}`;
    const urgent = await raise(key, 'urgent');
    expect(await opened.db.transaction((tx) => raiseForRepeatContact(tx, key, 3))).toBeUndefined(); // urgent stays urgent
    const soon = await raise(key, 'soon');
    expect(await opened.db.transaction((tx) => raiseForRepeatContact(tx, key, 3))).toEqual({ id: soon.id, from: 'soon', to: 'urgent' });
    expect(await opened.db.transaction((tx) => raiseForRepeatContact(tx, key, 4))).toBeUndefined();
    const { rows } = await opened.db.query<{ id: string; priority: string }>('select id, priority from concerns where requester_key = $1 order by created_at', [key]);
    expect(rows).toEqual([{ id: urgent.id, priority: 'urgent' }, { id: soon.id, priority: 'urgent' }]);
  });

  it('raises a concern once when two instances count the third contact at the same moment', async () => {
    const key = `bf:test:${randomUUID()}`;
    const item = await raise(key, 'routine');
    const other = await opened.another();
    const results = await Promise.all([opened.db, other].map((db) => db.transaction((tx) => raiseForRepeatContact(tx, key, 3))));
    expect(results.filter(Boolean)).toHaveLength(1);
    const { rows } = await opened.db.query(`select 1 from concern_events where concern_id = $1 and kind = 'priority-raised'`, [item.id]);
    expect(rows).toHaveLength(1);
  });
});
