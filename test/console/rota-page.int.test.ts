import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { listAudit } from '../../src/concerns/audit/list-audit.js';
import { onCallAt } from '../../src/oncall/on-call.js';
import { FULL_ROTA } from '../oncall/fixtures.js';
import { eventually } from '../support/engines.js';
import { literally } from '../support/literally.js';
import { signIn, useConsole } from './support/console-setup.js';

/** The Admin's rota page over HTTP: who is on call, the weeks ahead, and editing the file with the file's own checks. */

const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, ' ');
const versionOf = (html: string) => /name="version" value="([^"]*)"/.exec(html)![1]!;
const dir = mkdtempSync(join(tmpdir(), 'carepoint-rota-page-'));
const ROTA = join(dir, 'rota.yaml');
writeFileSync(ROTA, FULL_ROTA);
/** Wednesday 2 December 2026, 12:00 in London: the weekday shift (sam, backup alex) until 18:00, then jo (sam). */
const NOW = new Date('2026-12-02T12:00:00Z');
const ALEX_ON_WEEKDAYS = FULL_ROTA.replace('primary: sam, backup: alex', 'primary: alex, backup: sam');

describe('the rota page', () => {
  const env = useConsole({ env: { ROTA_FILE: ROTA }, overrides: { clock: new ManualClock(NOW) } });
  const inForce = () => onCallAt(env.carepoint.carepoint.rota.current()!, NOW);
  const rotaChanges = async () => (await listAudit(env.carepoint.carepoint.db, { action: 'rota-change' })).lines;

  it('shows who is on call now and next, when cover changes, and the next 8 weeks as the check tool says', async () => {
    const page = await (await signIn(env, 'ada')).get('/console/rota');
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain('On call now Primary Sam Patel (sam) Backup Alex Morgan (alex) From The shifts Final contact Duty manager (duty-manager) Until Wed, 2 Dec 2026, 18:00');
    expect(text).toContain('Next on call Starts Wed, 2 Dec 2026, 18:00 Primary Jo Williams (jo) Backup Sam Patel (sam)');
    expect(text).toMatch(/4 people, 4 shift\(s\), 1 override\(s\); 8 week\(s\) from .*: covered throughout/);
    expect(page.html).toContain('primary: sam, backup: alex }'); // the file, in the editor
  });

  it('is for Admins only: a co-ordinator gets the 403 page, and their save changes nothing', async () => {
    const bob = await signIn(env, 'bob');
    const page = await bob.get('/console/rota');
    expect(page.status).toBe(403);
    expect(page.html).toContain('You need the Admin role');
    const post = await bob.post('/console/rota', { _csrf: bob.csrf, rota: ALEX_ON_WEEKDAYS, version: '' });
    expect(post.status).toBe(403);
    expect(await readFile(ROTA, 'utf8')).toBe(FULL_ROTA);
  });

  it('refuses a save without the session\'s CSRF token', async () => {
    const ada = await signIn(env, 'ada');
    const version = versionOf((await ada.get('/console/rota')).html);
    expect((await ada.post('/console/rota', { _csrf: 'not-the-token', rota: ALEX_ON_WEEKDAYS, version })).status).toBe(403);
    expect(await readFile(ROTA, 'utf8')).toBe(FULL_ROTA);
  });

  it('refuses an invalid rota with its file:line and message in the error summary, and nothing changes', async () => {
    const ada = await signIn(env, 'ada');
    const version = versionOf((await ada.get('/console/rota')).html);
    const invalid = FULL_ROTA.replace('primary: sam, backup: alex', 'primary: nobody, backup: alex');
    const refused = await ada.post('/console/rota', { _csrf: ada.csrf, rota: invalid, version });
    expect(refused.status).toBe(400);
    expect(refused.html).toMatch(/<div class="nhsuk-error-summary"[^>]*role="alert"/);
    expect(textOf(refused.html)).toContain(`${ROTA}:8: primary: "nobody" is not one of the people listed under people:`);
    expect(refused.html).toContain('primary: nobody, backup: alex'); // what was typed stays in the editor
    expect(await readFile(ROTA, 'utf8')).toBe(FULL_ROTA);
    expect(inForce()).toMatchObject({ primary: { id: 'sam' } });
    expect(await rotaChanges()).toEqual([]);
  });

  it('saves a valid rota atomically, keeps the one before, audits who did it, and it is in force for onCallAt at once', async () => {
    const ada = await signIn(env, 'ada');
    const version = versionOf((await ada.get('/console/rota')).html);
    // As a browser sends a textarea: CRLF line ends.
    const saved = await ada.post('/console/rota', { _csrf: ada.csrf, rota: ALEX_ON_WEEKDAYS.replace(/\n/g, '\r\n'), version });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe('/console/rota?saved=1');
    expect(inForce()).toMatchObject({ source: 'shift', primary: { id: 'alex' }, backup: { id: 'sam' } });
    expect(await readFile(ROTA, 'utf8')).toBe(ALEX_ON_WEEKDAYS);
    expect(await readFile(`${ROTA}.previous`, 'utf8')).toBe(FULL_ROTA);
    const [line] = await rotaChanges();
    expect(line).toMatchObject({ actor: { name: 'Ada Test' }, action: 'rota-change', detail: { file: ROTA, version: expect.any(String), previousVersion: version, people: 4, shifts: 4, overrides: 1 } });
    expect(JSON.stringify(line)).not.toContain('+4477'); // never a phone number in the audit log
    const after = textOf((await ada.get('/console/rota?saved=1')).html);
    expect(after).toContain('The rota is saved and in force now, on every instance.');
    expect(after).toContain('On call now Primary Alex Morgan (alex)');
  });

  it('a file broken by hand: the page lists its problems with file:line, the last good rota stays in force', async () => {
    const ada = await signIn(env, 'ada');
    const page = async () => textOf((await ada.get('/console/rota')).html);
    await writeFile(ROTA, ALEX_ON_WEEKDAYS.replace('backup: sam }', 'backup: sam, extra: 1 }'));
    // The server's own watcher reads it.
    await eventually(async () => (await page()).includes('The rota file has problems'));
    expect(await page()).toMatch(new RegExp(`${literally(ROTA)}:8: error: .*extra`));
    expect(inForce()).toMatchObject({ primary: { id: 'alex' } });
    await writeFile(ROTA, ALEX_ON_WEEKDAYS);
    await eventually(async () => !(await page()).includes('The rota file has problems'));
  });

  it('refuses a save from a version someone else has replaced since, keeping what was typed', async () => {
    const ada = await signIn(env, 'ada');
    const stale = 'not-the-version-on-disk';
    const refused = await ada.post('/console/rota', { _csrf: ada.csrf, rota: FULL_ROTA, version: stale });
    expect(refused.status).toBe(409);
    expect(textOf(refused.html)).toContain('Someone else saved the rota after you opened this page');
    expect(await readFile(ROTA, 'utf8')).toBe(ALEX_ON_WEEKDAYS);
  });

  it('lists the gaps in cover over the next 8 weeks once a rota with gaps is saved', async () => {
    const ada = await signIn(env, 'ada');
    const version = versionOf((await ada.get('/console/rota')).html);
    const noWeekendDays = ALEX_ON_WEEKDAYS.replace('  - { days: [sat, sun], from: "08:00", to: "18:00", primary: alex, backup: kim }\n', '');
    expect((await ada.post('/console/rota', { _csrf: ada.csrf, rota: noWeekendDays, version })).status).toBe(303);
    const text = textOf((await ada.get('/console/rota')).html);
    expect(text).toMatch(/gap: Sat 5 Dec 2026 08:00 GMT to Sat 5 Dec 2026 18:00 GMT \(10 h\): no one on call, only the final contact \(Duty manager\)/);
    expect(text).toMatch(/4 people, 3 shift\(s\), 1 override\(s\); 8 week\(s\) from .*: 15 gap\(s\)/); // 8 weekends, but Saturday 26 December is the Christmas override's
  });
});
