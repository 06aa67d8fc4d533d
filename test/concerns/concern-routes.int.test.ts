import { randomUUID } from 'node:crypto';
import type { Request } from 'restify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { recordEmergency, submitConcern } from '../../src/concerns/concern-queue.js';
import type { ConcernDetails } from '../../src/concerns/model.js';
import type { Coordinator, CoordinatorAuthenticator } from '../../src/http/coordinator-auth.js';
import { recordInbound } from '../../src/queue/conversation-log.js';
import { DEV_TOKEN, startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';

/** Several people: "Bearer co-N" is co-ordinator N, "Bearer editor" has no queue role, the dev token has every role. */
const people: CoordinatorAuthenticator = {
  async authenticate(req: Request): Promise<Coordinator | null> {
    const token = /^Bearer (.+)$/.exec(req.header('authorization') ?? '')?.[1];
    if (token === DEV_TOKEN) return { id: 'dev-coordinator', name: 'Development co-ordinator', roles: ['Coordinator', 'ContentEditor', 'Admin'], via: 'dev-token' };
    if (token === 'editor') return { id: 'editor', name: 'Content editor', roles: ['ContentEditor'], via: 'session' };
    const n = token && /^co-(\d+)$/.exec(token)?.[1];
    return n ? { id: `co-${n}`, name: `Co-ordinator ${n}`, roles: ['Coordinator'], via: 'session' } : null;
  },
};

const details: ConcernDetails = {
  subject: 'self', name: 'Ada Lovelace', dateOfBirth: '1950-01-31', pathway: 'kidney', kind: 'medication',
  description: 'My tablets have not arrived this month.', urgency: 'today', contactMethod: 'text-message',
  phone: '+447700900123', contactTime: 'any-time', consentToShare: true,
};

describe('the concerns API', () => {
  let app: RunningCarepoint;
  const call = async (method: string, path: string, options: { as?: string; body?: unknown } = {}) => {
    const response = await fetch(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${options.as ?? DEV_TOKEN}`, ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const concern = async (extra: Partial<ConcernDetails> = {}, requesterKey = `bf:test:${randomUUID()}`, channel: 'chat' | 'sms' = 'chat') => {
    const conversationId = channel === 'sms' ? `sms:${randomUUID()}` : `bf:test:${randomUUID()}`;
    await recordInbound(app.carepoint.db, systemClock, { conversationId, channel, requesterKey, externalId: randomUUID(), text: `hello from ${channel}` });
    return submitConcern(app.carepoint.db, systemClock, {
      channel, conversationId, requesterKey, submissionId: randomUUID(), priority: 'urgent',
      details: { ...details, ...extra }, summary: 'Medicines - Kidney', transcript: [],
    });
  };

  beforeAll(async () => {
    app = await startCarepoint({ env: { CLAIM_LEASE_MINUTES: '15' }, overrides: { coordinators: people } });
  });
  afterAll(() => app?.stop());

  it('answers bad input with 400 saying what is wrong, and an unknown id with 404, on every endpoint', async () => {
    const item = await concern();
    const unknown = randomUUID();
    expect(await call('GET', '/api/queue?priority=sometime')).toMatchObject({ status: 400, body: { error: expect.stringContaining('priority') } });
    expect(await call('GET', '/api/queue?pathway=moon')).toMatchObject({ status: 400, body: { error: expect.stringContaining('pathway') } });
    expect(await call('GET', '/api/queue?status=lost')).toMatchObject({ status: 400 });
    expect(await call('GET', '/api/queue/not-a-uuid')).toMatchObject({ status: 400, body: { error: 'the id must be a concern id' } });
    expect(await call('GET', `/api/queue/${unknown}`)).toMatchObject({ status: 404, body: { error: 'no such concern' } });
    for (const action of ['claim', 'release', 'reopen']) {
      expect(await call('POST', `/api/queue/${unknown}/${action}`)).toMatchObject({ status: 404 });
      expect(await call('POST', `/api/queue/nope/${action}`)).toMatchObject({ status: 400 });
    }
    for (const action of ['note', 'reply']) {
      expect(await call('POST', `/api/queue/${item.id}/${action}`, { body: {} })).toMatchObject({ status: 400, body: { error: 'text: text is required' } });
      expect(await call('POST', `/api/queue/${item.id}/${action}`, { body: { text: '  ' } })).toMatchObject({ status: 400, body: { error: 'text: text must not be empty' } });
      expect(await call('POST', `/api/queue/${unknown}/${action}`, { body: { text: 'hello' } })).toMatchObject({ status: 404 });
    }
    expect(await call('POST', `/api/queue/${item.id}/resolve`, { body: { outcome: 'fixed' } }))
      .toMatchObject({ status: 400, body: { error: expect.stringContaining('outcome must be one of: advice-given') } });
    expect(await call('POST', `/api/queue/${unknown}/resolve`, { body: { outcome: 'other' } })).toMatchObject({ status: 404 });
    expect(await call('POST', `/api/queue/${item.id}/not-an-emergency`, { body: {} })).toMatchObject({ status: 400, body: { error: 'reason: reason is required' } });
    expect(await call('POST', `/api/queue/${unknown}/not-an-emergency`, { body: { reason: 'x' } })).toMatchObject({ status: 404 });
    expect(await call('POST', `/api/queue/${item.id}/not-an-emergency`, { body: { reason: 'x' } })).toMatchObject({ status: 409, body: { error: 'not an emergency item' } });
    expect(await call('GET', '/api/audit?action=dance')).toMatchObject({ status: 400 });
    expect(await call('GET', '/api/queue', { as: 'nobody' })).toMatchObject({ status: 401 });
    expect(await call('GET', '/api/queue', { as: 'editor' })).toMatchObject({ status: 403 });
    expect(await call('GET', '/api/audit', { as: 'co-1' })).toMatchObject({ status: 403 });
  });

  it('lets one of 20 simultaneous claims over HTTP win; the other 19 get 409 naming the holder', async () => {
    const item = await concern();
    const results = await Promise.all(Array.from({ length: 20 }, (_, n) => call('POST', `/api/queue/${item.id}/claim`, { as: `co-${n}` })));
    const won = results.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    const holder = won[0]!.body.claimedBy.name as string;
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(19);
    for (const r of refused) expect(r.body.error).toBe(`cannot claim: claimed by ${holder}`);
    const mine = await call('GET', `/api/queue?mine=true&limit=200`, { as: won[0]!.body.claimedBy.id });
    expect(mine.body.items.map((i: { id: string }) => i.id)).toEqual([item.id]);
  });

  it('records a reply as a concern event and a pending outbound message', async () => {
    const item = await concern();
    await call('POST', `/api/queue/${item.id}/claim`, { as: 'co-1' });
    expect(await call('POST', `/api/queue/${item.id}/reply`, { as: 'co-2', body: { text: 'Hello' } })).toMatchObject({ status: 409 });
    const reply = await call('POST', `/api/queue/${item.id}/reply`, { as: 'co-1', body: { text: 'We have chased your prescription.' } });
    expect(reply).toMatchObject({ status: 202, body: { status: 'pending delivery' } });
    const { rows } = await app.carepoint.db.query("select conversation_id, channel, text from outbound_messages where concern_id = $1 and kind = 'reply'", [item.id]);
    expect(rows).toEqual([{ conversation_id: item.conversationId, channel: 'chat', text: 'We have chased your prescription.' }]);
  });

  it('shows one story: the summary, the transcript across chat and SMS, and earlier concerns with outcomes', async () => {
    const db = app.carepoint.db;
    const patient = (await db.query<{ id: string }>(`insert into patients (name, date_of_birth) values ('Grace Hopper', '1946-12-09') returning id`)).rows[0]!.id;
    const phone = `+4477009${String(Math.floor(Math.random() * 90000) + 10000)}`;
    await db.query('insert into patient_contacts (patient_id, phone) values ($1, $2)', [patient, phone]);
    // An SMS from the registered number, resolved; then a chat giving the same number.
    const sms = await concern({ name: 'Grace Hopper', dateOfBirth: '1946-12-09', phone }, `patient:${patient}`, 'sms');
    expect(await call('POST', `/api/queue/${sms.id}/resolve`, { body: { outcome: 'advice-given', text: 'Explained the delay' } })).toMatchObject({ status: 200 });
    const chat = await concern({ name: 'Grace Hopper', dateOfBirth: '1946-12-09', phone });
    const detail = await call('GET', `/api/queue/${chat.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.patientId).toBe(patient);
    expect(detail.body.summary).toContain('The patient writes about Grace Hopper, born 1946-12-09 (Kidney disease)');
    expect(detail.body.summary).toContain('1 earlier concern from the same person');
    expect(detail.body.earlierConcerns).toEqual([expect.objectContaining({ id: sms.id, channel: 'sms', status: 'resolved', outcome: 'advice-given' })]);
    // (The resolved message to the SMS conversation, src/patient-updates, is delivered by job at its own moment.)
    const story = detail.body.transcript.filter((m: { text: string }) => !/ is now closed: /.test(m.text));
    expect(story.map((m: { channel: string; text: string }) => [m.channel, m.text])).toEqual([['sms', 'hello from sms'], ['chat', 'hello from chat']]);
    expect(detail.body.events.map((e: { kind: string }) => e.kind)).toEqual(['raised']);

    // Without a registered number: a co-ordinator confirms the name and date of birth.
    const unlinked = await concern({ name: 'Grace Hopper', dateOfBirth: '1946-12-09', phone: '+447700900999' });
    const before = await call('GET', `/api/queue/${unlinked.id}`);
    expect(before.body.possibleMatches).toEqual([{ patientId: patient, name: 'Grace Hopper', dateOfBirth: '1946-12-09' }]);
    const other = await concern({ name: 'Someone Else', dateOfBirth: '1946-12-09', phone: '+447700900998' });
    expect(await call('POST', `/api/queue/${other.id}/link`, { body: { patientId: patient } })).toMatchObject({ status: 409 });
    const linked = await call('POST', `/api/queue/${unlinked.id}/link`, { body: { patientId: patient } });
    expect(linked.status).toBe(200);
    expect(linked.body.earlierConcerns.map((c: { id: string }) => c.id).sort()).toEqual([sms.id, chat.id].sort());
  });

  it('writes every view, claim, release, note, reply, resolution and reopening to the audit log, which Admin can filter', async () => {
    const item = await concern();
    await call('GET', `/api/queue/${item.id}`, { as: 'co-7' });
    await call('POST', `/api/queue/${item.id}/claim`, { as: 'co-7' });
    await call('POST', `/api/queue/${item.id}/note`, { as: 'co-7', body: { text: 'Rang the pharmacy' } });
    await call('POST', `/api/queue/${item.id}/reply`, { as: 'co-7', body: { text: 'On its way' } });
    await call('POST', `/api/queue/${item.id}/release`, { as: 'co-7' });
    await call('POST', `/api/queue/${item.id}/resolve`, { as: 'co-8', body: { outcome: 'referral-chased' } });
    await call('POST', `/api/queue/${item.id}/reopen`, { as: 'co-8' });
    const all = await call('GET', `/api/audit?concern=${item.id}`);
    expect(all.status).toBe(200);
    expect(all.body.lines.map((l: { action: string; actor: { id: string } }) => [l.action, l.actor.id]).reverse()).toEqual([
      ['view', 'co-7'], ['claim', 'co-7'], ['note', 'co-7'], ['reply', 'co-7'], ['release', 'co-7'], ['resolve', 'co-8'], ['reopen', 'co-8'],
    ]);
    expect(all.body.lines[0]).toMatchObject({ concernId: item.id, source: '127.0.0.1', at: expect.any(String) });
    const byActor = await call('GET', `/api/audit?concern=${item.id}&actor=co-8`);
    expect(byActor.body.lines.map((l: { action: string }) => l.action)).toEqual(['reopen', 'resolve']);
    const notes = await call('GET', `/api/audit?concern=${item.id}&action=note`);
    expect(notes.body.lines).toHaveLength(1);
    const paged = await call('GET', `/api/audit?concern=${item.id}&limit=3`);
    expect(paged.body.lines).toHaveLength(3);
    const rest = await call('GET', `/api/audit?concern=${item.id}&limit=10&before=${paged.body.next}`);
    expect(rest.body.lines).toHaveLength(4);
    const future = await call('GET', `/api/audit?concern=${item.id}&from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(future.body.lines).toHaveLength(0);
  });

  it('marks an emergency item not an emergency with a reason: audited and a concern event', async () => {
    const { item } = await recordEmergency(app.carepoint.db, systemClock, {
      channel: 'chat', conversationId: `bf:test:${randomUUID()}`, requesterKey: 'bf:test:nae', flags: ['chest-pain'], advice: '999',
      entry: { direction: 'in', text: 'chest pain in the film', at: new Date().toISOString() },
    });
    const marked = await call('POST', `/api/queue/${item.id}/not-an-emergency`, { as: 'co-3', body: { reason: 'Describing a film' } });
    expect(marked).toMatchObject({ status: 200, body: { priority: 'urgent' } });
    const audit = await call('GET', `/api/audit?concern=${item.id}&action=not-an-emergency`);
    expect(audit.body.lines).toEqual([expect.objectContaining({ actor: { id: 'co-3', name: 'Co-ordinator 3' } })]);
    const detail = await call('GET', `/api/queue/${item.id}`);
    expect(detail.body.events.at(-1)).toMatchObject({ kind: 'not-an-emergency', actor: { id: 'co-3' }, data: { reason: 'Describing a film' } });
  });
});
