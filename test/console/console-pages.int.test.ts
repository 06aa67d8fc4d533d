import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/concerns/audit/append-audit.js';
import { listAudit } from '../../src/concerns/audit/list-audit.js';
import { raiseForRepeatContact } from '../../src/patient-updates/sql/contacts.js';
import { TestBrowser } from '../support/fake-entra.js';
import { DEV_TOKEN } from '../support/start-carepoint.js';
import { raiseConcern, raiseEmergency, signIn, useConsole } from './support/console-setup.js';

/** The console's pages and forms over HTTP, signed in through Entra ID's code flow (FakeEntra). */

const rowsOf = (html: string) => [...html.matchAll(/<tr class="nhsuk-table__row[^"]*" data-id="([^"]+)"/g)].map((m) => m[1]);
/** The text a page shows, tags removed and spaces folded (for reading it the way a person does). */
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/\s+/g, ' ');

describe('the console pages', () => {
  const env = useConsole();
  const db = () => env.carepoint.carepoint.db;

  it('sends someone signed out to sign in, and back to the page afterwards', async () => {
    const response = await fetch(`${env.base}/console/queue`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/console/sign-in?returnTo=%2Fconsole%2Fqueue');
    const filtered = await fetch(`${env.base}/console/audit?action=claim&concern=CP-7F3K2Q`, { redirect: 'manual' });
    expect(filtered.headers.get('location')).toBe(`/console/sign-in?returnTo=${encodeURIComponent('/console/audit?action=claim&concern=CP-7F3K2Q')}`);
    expect((await fetch(`${env.base}/console/queue/rows`)).status).toBe(401);
    expect((await fetch(`${env.base}/console/events`)).status).toBe(401);
  });

  it('comes back after sign-in to the page asked for, filters and all, and never to another site', async () => {
    const ada = await new TestBrowser(env.entra).signIn(env.base, 'ada', '/console/audit?action=claim&from=2026-01-01');
    expect(ada.url).toBe(`${env.base}/console/audit?action=claim&from=2026-01-01`);
    for (const elsewhere of ['//evil.example/console', 'https://evil.example/', '/console/../../x', '/console/queue?x=<script>']) {
      expect((await new TestBrowser(env.entra).signIn(env.base, 'ada', elsewhere)).url).toBe(`${env.base}/console`);
    }
  });

  it('lists the queue most pressing first: priority tags, waiting against the target (overdue in words), returned claims highlighted', async () => {
    const bob = await signIn(env, 'bob');
    const routine = await raiseConcern(env, { priority: 'routine', details: { pathway: 'diabetes', kind: 'test-results' } });
    const urgent = await raiseConcern(env);
    const emergency = await raiseEmergency(env);
    const returned = await raiseConcern(env);
    await db().query(`update concerns set created_at = now() - interval '3 hours' where id = $1`, [urgent.id]);
    await bob.post(`/console/queue/${returned.id}/claim`, { _csrf: bob.csrf });
    await db().query(`update concerns set claimed_until = now() - interval '1 minute' where id = $1`, [returned.id]);

    const page = await bob.get('/console/queue');
    expect(page.status).toBe(200);
    const order = rowsOf(page.html);
    expect(order.indexOf(emergency.id)).toBeLessThan(order.indexOf(urgent.id));
    expect(order.indexOf(urgent.id)).toBeLessThan(order.indexOf(returned.id));
    expect(order.indexOf(returned.id)).toBeLessThan(order.indexOf(routine.id));
    const row = (id: string) => {
      const start = page.html.indexOf(`data-id="${id}"`);
      return textOf(page.html.slice(start, page.html.indexOf('</tr>', start)));
    };
    expect(page.html).toContain('<strong class="nhsuk-tag nhsuk-tag--red">Emergency</strong>');
    expect(row(urgent.id)).toMatch(/Overdue : waited 3 h, target 2 hours/);
    expect(row(emergency.id)).toMatch(/Waited (under 1 min|\d+ min), target 15 minutes/);
    expect(row(routine.id)).toMatch(/Routine .* of working time, target 3 working days Diabetes Test results Chat/);
    expect(row(returned.id)).toMatch(/Returned to the queue a claim ran out unattended/);
    expect(page.html).toContain(`<a class="carepoint-reference" href="/console/queue/${urgent.id}">${urgent.reference}</a>`);
    // Live updates: the page loads its script from this origin; nothing inline is allowed.
    expect(page.html).toContain('<script type="module" src="/assets/console.js"></script>');
    expect(page.html).toMatch(/data-live-url="\/console\/queue\/rows"/);
    expect(page.html).toMatch(/role="status" aria-live="polite"/);
  });

  it('filters with a GET form: status, priority, pathway, claimed by me (the live fragment keeps the same filters)', async () => {
    const bob = await signIn(env, 'bob');
    const alice = await signIn(env, 'alice');
    const mine = await raiseConcern(env, { details: { pathway: 'epilepsy' } });
    const theirs = await raiseConcern(env, { details: { pathway: 'epilepsy' } });
    await bob.post(`/console/queue/${mine.id}/claim`, { _csrf: bob.csrf });
    await alice.post(`/console/queue/${theirs.id}/claim`, { _csrf: alice.csrf });

    const claimedByMe = await bob.get('/console/queue?status=&priority=&pathway=&mine=true');
    expect(rowsOf(claimedByMe.html)).toEqual([mine.id]);
    expect(claimedByMe.html).toMatch(/id="filter-mine" name="mine" type="checkbox" value="true" checked/);
    const epilepsy = await bob.get('/console/queue?pathway=epilepsy&status=claimed');
    expect(new Set(rowsOf(epilepsy.html))).toEqual(new Set([mine.id, theirs.id]));
    expect(textOf(epilepsy.html)).toContain(`Claimed by Alice Test`);
    expect(epilepsy.html).toContain('data-live-url="/console/queue/rows?pathway=epilepsy&amp;status=claimed"');
    const fragment = await bob.get('/console/queue/rows?status=claimed&pathway=epilepsy');
    expect(fragment.status).toBe(200);
    expect(fragment.html).toMatch(/^<div>/);
    expect(new Set(rowsOf(fragment.html))).toEqual(new Set([mine.id, theirs.id]));
    expect((await bob.get('/console/queue?priority=sometime')).status).toBe(400);
  });

  it('shows a concern: fields first, then red flags, transcript, earlier concerns with outcomes, history; viewing is audited as the API does', async () => {
    const bob = await signIn(env, 'bob');
    const requesterKey = `bf:test:${randomUUID()}`;
    const earlier = await raiseConcern(env, { requesterKey, details: { description: 'The pharmacy lost my prescription.' } });
    await bob.post(`/console/queue/${earlier.id}/resolve`, { _csrf: bob.csrf, outcome: 'referral-chased' });
    const item = await raiseConcern(env, { requesterKey });
    const page = await bob.get(`/console/queue/${item.id}`);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    const at = (heading: string) => text.indexOf(heading);
    expect(at('The concern')).toBeGreaterThan(0);
    expect(at('The concern')).toBeLessThan(at('Red flags raised'));
    expect(at('Red flags raised')).toBeLessThan(at('Transcript'));
    expect(at('Transcript')).toBeLessThan(at('Earlier concerns'));
    expect(at('Earlier concerns')).toBeLessThan(at('History'));
    expect(text).toMatch(/Name Ada Lovelace Date of birth 31 January 1950/);
    expect(text).toMatch(/Patient by chat, .* My tablets have not come .* Carepoint by chat, .* A co-ordinator will see this/);
    expect(text).toMatch(new RegExp(`${earlier.reference} .* Resolved: Referral chased`));
    expect(text).toMatch(/No red flags were raised/);
    const views = await listAudit(db(), { concernId: item.id, action: 'view' });
    expect(views.lines).toEqual([expect.objectContaining({ actor: { id: 'bob', name: 'Bob Test' }, source: '127.0.0.1', detail: {} })]);

    const emergency = await raiseEmergency(env);
    const flags = textOf((await bob.get(`/console/queue/${emergency.id}`)).html);
    expect(flags).toMatch(/Red flags raised chest pain: told to call 999/);
    expect(flags).toMatch(/Mark as not an emergency/);
  });

  it('refuses a form without the session\'s CSRF token, and changes nothing', async () => {
    const bob = await signIn(env, 'bob');
    const item = await raiseConcern(env);
    expect((await bob.post(`/console/queue/${item.id}/claim`, {})).status).toBe(403);
    const wrong = await bob.post(`/console/queue/${item.id}/claim`, { _csrf: 'not-the-token' });
    expect(wrong.status).toBe(403);
    expect(wrong.html).toMatch(/wrong CSRF token/);
    const { rows } = await db().query<{ status: string }>('select status from concerns where id = $1', [item.id]);
    expect(rows[0]!.status).toBe('open');
    expect((await listAudit(db(), { concernId: item.id })).lines).toEqual([]);
  });

  it('answers a missing role with the 403 page naming the role, and an unknown concern with 404', async () => {
    const carol = await signIn(env, 'carol');
    const bob = await signIn(env, 'bob');
    const item = await raiseConcern(env);
    const queue = await carol.get('/console/queue');
    expect(queue.status).toBe(403);
    expect(textOf(queue.html)).toMatch(/Carol Test ?, with ContentEditor\. This page needs the Coordinator role/);
    expect((await carol.post(`/console/queue/${item.id}/claim`, { _csrf: carol.csrf })).status).toBe(403);
    expect((await carol.get(`/console/queue/${item.id}`)).status).toBe(403);
    const audit = await bob.get('/console/audit');
    expect(audit.status).toBe(403);
    expect(textOf(audit.html)).toMatch(/needs the Admin role/);
    expect((await bob.get(`/console/queue/${randomUUID()}`)).status).toBe(404);
    expect((await bob.get('/console/queue/not-a-concern-id')).status).toBe(404);
    expect((await bob.post(`/console/queue/${randomUUID()}/claim`, { _csrf: bob.csrf })).status).toBe(404);
    expect((await bob.post(`/console/queue/${item.id}/dance`, { _csrf: bob.csrf })).status).toBe(404);
  });

  it('claims with a 303 back to the concern and a banner; a second claim is refused with 409 naming who holds it', async () => {
    const bob = await signIn(env, 'bob');
    const alice = await signIn(env, 'alice');
    const item = await raiseConcern(env);
    const claimed = await bob.post(`/console/queue/${item.id}/claim`, { _csrf: bob.csrf });
    expect(claimed).toMatchObject({ status: 303, location: `/console/queue/${item.id}?done=claim` });
    const after = textOf((await bob.get(claimed.location!)).html);
    expect(after).toMatch(/Done You have claimed this concern\. The claim lasts 15 minutes/);
    expect(after).toMatch(/Claim Claimed by you until/);

    const refused = await alice.post(`/console/queue/${item.id}/claim`, { _csrf: alice.csrf });
    expect(refused.status).toBe(409);
    const text = textOf(refused.html);
    expect(text).toMatch(/Someone else holds the claim: Bob Test/);
    expect(text).toMatch(/Cannot claim: claimed by Bob Test\./);
    expect(text).toMatch(/Bob Test holds the claim\. Only they can reply to the person, resolve or release it/);
    // The same refusal the API gives.
    const api = await fetch(`${env.base}/api/queue/${item.id}/resolve`, {
      method: 'POST', headers: { authorization: `Bearer ${DEV_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ outcome: 'other' }),
    });
    expect(api.status).toBe(409);
    expect(await api.json()).toEqual({ error: 'cannot resolve: claimed by Bob Test' });
  });

  it('adds a note, records a reply ("recorded, will be sent"), resolves and reopens; each audited as the API audits it', async () => {
    const bob = await signIn(env, 'bob');
    const item = await raiseConcern(env);
    const url = `/console/queue/${item.id}`;
    await bob.post(`${url}/claim`, { _csrf: bob.csrf });

    const empty = await bob.post(`${url}/note`, { _csrf: bob.csrf, text: '  ' });
    expect(empty.status).toBe(400);
    expect(empty.html).toContain('<a href="#note-text">Enter the note.</a>');
    expect(empty.html).toMatch(/nhsuk-form-group--error[\s\S]*id="note-text-error"/);
    expect((await bob.post(`${url}/note`, { _csrf: bob.csrf, text: 'Rang the pharmacy' })).location).toBe(`${url}?done=note`);

    const reply = await bob.post(`${url}/reply`, { _csrf: bob.csrf, text: 'We have chased your prescription.' });
    expect(reply.location).toBe(`${url}?done=reply`);
    const replied = textOf((await bob.get(reply.location!)).html);
    expect(replied).toMatch(/Reply recorded and being sent to the person in their chat\./);
    expect(replied).toMatch(/Co-ordinator Bob Test by chat, .* \((being sent|sent)\) We have chased your prescription\./);
    const { rows } = await db().query('select text, status from outbound_messages where concern_id = $1', [item.id]);
    // The reply (after the notice that the person is now talking to Bob) goes out by the delivery job.
    expect(rows.filter((r) => r.text === 'We have chased your prescription.')).toEqual([
      { text: 'We have chased your prescription.', status: expect.stringMatching(/^(pending delivery|sending|sent)$/) },
    ]);

    const noOutcome = await bob.post(`${url}/resolve`, { _csrf: bob.csrf, text: 'done' });
    expect(noOutcome.status).toBe(400);
    expect(noOutcome.html).toContain('<a href="#resolve-outcome">Choose an outcome.</a>');
    expect(noOutcome.html).toContain('>done</textarea>'); // what was typed is kept
    expect((await bob.post(`${url}/resolve`, { _csrf: bob.csrf, outcome: 'advice-given', text: '' })).location).toBe(`${url}?done=resolve`);
    expect(textOf((await bob.get(`${url}?done=resolve`)).html)).toMatch(/Concern resolved: Advice given\./);
    expect((await bob.post(`${url}/reopen`, { _csrf: bob.csrf })).location).toBe(`${url}?done=reopen`);

    const lines = (await listAudit(db(), { concernId: item.id })).lines.reverse();
    expect(lines.map((l) => l.action)).toEqual(['claim', 'view', 'note', 'reply', 'view', 'view', 'resolve', 'view', 'reopen']);
    expect(lines.find((l) => l.action === 'resolve')).toMatchObject({ actor: { id: 'bob', name: 'Bob Test' }, source: '127.0.0.1', detail: { outcome: 'advice-given' } });
  });

  it('shows a priority raised for repeat contact in the history, with why, and queues the concern with its new priority', async () => {
    const bob = await signIn(env, 'bob');
    const requesterKey = `bf:test:${randomUUID()}`;
    const item = await raiseConcern(env, { requesterKey, priority: 'soon', details: { pathway: 'copd' } });
    const raised = await db().transaction((tx) => raiseForRepeatContact(tx, requesterKey, 3));
    expect(raised).toEqual({ id: item.id, from: 'soon', to: 'urgent' });
    const page = await bob.get(`/console/queue/${item.id}`);
    expect(textOf(page.html)).toMatch(/Priority raised Carepoint Soon to Urgent: 3 contacts in 72 hours \(repeat contact\)/);
    const queue = await bob.get('/console/queue?priority=urgent&pathway=copd');
    expect(rowsOf(queue.html)).toContain(item.id);
  });

  it('marks an emergency not an emergency with a reason', async () => {
    const bob = await signIn(env, 'bob');
    const item = await raiseEmergency(env);
    const url = `/console/queue/${item.id}`;
    expect((await bob.post(`${url}/not-an-emergency`, { _csrf: bob.csrf, reason: '' })).html).toContain('<a href="#reason-text">Say why it is not an emergency.</a>');
    const done = await bob.post(`${url}/not-an-emergency`, { _csrf: bob.csrf, reason: 'Historic chest pain, seen by GP yesterday' });
    expect(done.location).toBe(`${url}?done=not-an-emergency`);
    const text = textOf((await bob.get(done.location!)).html);
    expect(text).toMatch(/Marked as not an emergency\. It stays in the queue as urgent\./);
    expect(text).toMatch(/Marked not an emergency Bob Test reason: Historic chest pain, seen by GP yesterday/);
  });

  it('shows Admins the audit log newest first, filtered by who, action, concern and dates, in pages', async () => {
    const alice = await signIn(env, 'alice');
    const item = await raiseConcern(env);
    await alice.get(`/console/queue/${item.id}`);
    await alice.post(`/console/queue/${item.id}/claim`, { _csrf: alice.csrf });
    for (let n = 0; n < 55; n++) await appendAudit(db(), { actor: { id: 'alice', name: 'Alice Test' }, action: 'view', concernId: item.id });

    const page = await alice.get(`/console/audit?concern=${item.reference.toLowerCase()}`);
    expect(page.status).toBe(200);
    const body = page.html.slice(page.html.indexOf('<tbody'));
    const rows = [...body.matchAll(/<tr class="nhsuk-table__row">([\s\S]*?)<\/tr>/g)].map((m) => textOf(m[1]!).trim());
    expect(rows).toHaveLength(50);
    expect(rows[0]).toMatch(new RegExp(`Alice Test \\(alice\\) view ${item.reference}`));
    const older = /href="(\/console\/audit\?[^"]*before=\d+)">Older entries/.exec(page.html)![1]!.replace(/&amp;/g, '&');
    const rest = textOf((await alice.get(older)).html);
    expect(rest).toMatch(new RegExp(`claim ${item.reference} 127\\.0\\.0\\.1`));
    expect(rest).toContain('Newest entries');

    const claims = textOf((await alice.get(`/console/audit?action=claim&concern=${item.id}`)).html);
    expect(claims.match(/ claim CP-/g)).toHaveLength(1);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(new Date()); // the team's calendar
    const signIns = await alice.get(`/console/audit?actor=alice&action=sign-in&from=${today}&to=${today}`);
    expect(textOf(signIns.html)).toMatch(/Alice Test \(alice\) sign-in 127\.0\.0\.1 with: entra; roles: Coordinator, Admin/);
    expect(textOf((await alice.get('/console/audit?from=2000-01-01&to=2000-01-02')).html)).toContain('No entries match these filters.');
    const bad = await alice.get('/console/audit?concern=nonsense&from=2026-02-31');
    expect(bad.status).toBe(400);
    expect(bad.html).toContain('<a href="#audit-concern">Enter a concern reference such as CP-7F3K2Q</a>');
    // The design system's date input: three boxes, checked, and shown again as typed when wrong.
    const boxes = await alice.get('/console/audit?from-day=1&from-month=1&from-year=2000&to-day=2&to-month=1&to-year=2000');
    expect(boxes.status).toBe(200);
    expect(textOf(boxes.html)).toContain('No entries match these filters.');
    const unreal = await alice.get('/console/audit?from-day=31&from-month=2&from-year=2026');
    expect(unreal.status).toBe(400);
    expect(unreal.html).toContain('<a href="#audit-from-day">From date must be a real date</a>');
    expect(unreal.html).toMatch(/id="audit-from-day" name="from-day" type="text" inputmode="numeric" value="31"/);
    const partial = await alice.get('/console/audit?to-day=3&to-year=2026');
    expect(partial.html).toContain('<a href="#audit-to-day">To date must include a month</a>');
  });
});
