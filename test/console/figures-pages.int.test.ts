import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { FIGURES_NOW, insertConcern, insertFeedback, insertKnownFigures } from '../concerns/support/figures-rows.js';
import { signIn, useConsole } from './support/console-setup.js';

/** The figures page and its CSV over HTTP, signed in through Entra ID's code flow, on known rows. */

const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/\s+/g, ' ');

describe('the patient-experience figures', () => {
  const env = useConsole({ overrides: { clock: new ManualClock(FIGURES_NOW) } });
  let seeded: Promise<void> | undefined;
  const seed = () => (seeded ??= (async () => {
    const db = env.carepoint.carepoint.db;
    await insertKnownFigures(db);
    // A pathway someone typed as a formula: it must reach a spreadsheet as text.
    const odd = await insertConcern(db, { priority: 'routine', raisedAt: '2026-12-01T12:00:00Z' });
    await insertFeedback(db, odd, '=HYPERLINK("http://evil.example","x")', 3, '2026-12-01T12:00:00Z');
  })());

  it('shows each measure as a chart with its title and description, and the table beside it, for co-ordinators and admins', async () => {
    await seed();
    for (const login of ['bob', 'ada'] as const) {
      const page = await (await signIn(env, login)).get('/console/figures?weeks=4');
      expect(page.status).toBe(200);
      for (const id of ['response', 'first-time', 'feedback', 'repeat']) {
        expect(page.html).toMatch(new RegExp(`<svg class="carepoint-chart"[^>]*role="img" aria-labelledby="${id}-chart-title" aria-describedby="${id}-chart-desc"`));
        expect(page.html).toContain(`<table class="nhsuk-table" id="${id}-table">`);
      }
      const text = textOf(page.html);
      expect(text).toContain('2026-W46 (week starting 2026-11-09) to 2026-W49');
      // 2026-W49, all pathways: 6 raised, 3 contacted, median 30 minutes, 2 within target and 2 past (50%).
      expect(text).toMatch(/2026-W49 6 3 30 min 2 2 50%/);
      // Kidney over the 4 weeks: 6 raised, median 105 minutes, 3 of 5 within target, 2 of 3 resolved first time,
      // 4 answers with a mean of 3, 2 repeat contacts.
      expect(text).toMatch(/Kidney disease 6 1 h 45 min 60% 67% 4 3\.0 2/);
      expect(page.html).toMatch(/<desc id="feedback-chart-desc">Bar chart, all pathways, ISO weeks 2026-W46 to 2026-W49\. W47: 1\.0; W48: 4\.0; W49: 3\.3\./);
    }
  });

  it('filters by pathway and period, and offers only its own choices', async () => {
    await seed();
    const bob = await signIn(env, 'bob');
    const epilepsy = textOf((await bob.get('/console/figures?weeks=4&pathway=epilepsy')).html);
    expect(epilepsy).toMatch(/2026-W49 1 1 10 min 1 0 100%/);
    expect(epilepsy).toMatch(/Repeat contacts Epilepsy 1 10 min 100% none 0 none 0 Response times/);
    expect(epilepsy).not.toMatch(/Kidney disease \d/);
    // Anything else is the default: 12 weeks, all pathways.
    const odd = textOf((await bob.get('/console/figures?weeks=9999&pathway=%3Cscript%3E')).html);
    expect(odd).toContain('all pathways, 2026-W38 (week starting 2026-09-14) to 2026-W49');
  });

  it('downloads the same figures as CSV: one row per pathway and week, its type and file name, formula cells written as text', async () => {
    await seed();
    const ada = await signIn(env, 'ada');
    const response = await ada.browser.request(`${env.base}/console/figures.csv?weeks=4&pathway=kidney`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="carepoint-figures-kidney-2026-W46-to-2026-W49.csv"');
    const lines = (await response.text()).split('\r\n');
    expect(lines.slice(1, -1).map((l) => l.split(',').slice(0, 4).join(','))).toEqual([
      'kidney,2026-W46,2026-11-09,0', 'kidney,2026-W47,2026-11-16,1', 'kidney,2026-W48,2026-11-23,1', 'kidney,2026-W49,2026-11-30,4',
    ]);
    const all = await (await ada.browser.request(`${env.base}/console/figures.csv?weeks=4`)).text();
    const injected = all.split('\r\n').filter((l) => l.includes('HYPERLINK'));
    expect(injected).toHaveLength(4);
    for (const line of injected) expect(line.startsWith(`"'=HYPERLINK(""http://evil.example"",""x"")",2026-W`)).toBe(true);
  });

  it('is refused to anyone without the Coordinator or Admin role, and to anyone signed out', async () => {
    const carol = await signIn(env, 'carol');
    for (const path of ['/console/figures', '/console/figures.csv']) {
      const refused = await carol.get(path);
      expect(refused.status).toBe(403);
      expect(refused.html).toContain('You need the Coordinator or Admin role');
      expect((await fetch(`${env.base}${path}`, { redirect: 'manual' })).status).toBe(302);
    }
  });
});
