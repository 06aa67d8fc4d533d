import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { defaultWorkingHours } from '../../src/concerns/working-hours.js';
import { experienceFigures, type Figures } from '../../src/concerns/figures/experience-figures.js';
import { csvCell, figuresCsv, figuresFileName } from '../../src/concerns/figures/figures-csv.js';
import { lastIsoWeeks } from '../../src/concerns/figures/iso-weeks.js';
import { engines, type OpenedEngine } from '../support/engines.js';
import { FIGURES_NOW, insertKnownFigures } from './support/figures-rows.js';

const hours = defaultWorkingHours();
const query = { now: FIGURES_NOW, weeks: 2, hours };

/** The figures a test states, with everything it does not state at zero. */
const expected = (f: Partial<Figures>): Figures => ({
  pathway: undefined, week: undefined, raised: 0, contacted: 0, medianMinutesToContact: undefined, withinTarget: 0, pastTarget: 0,
  proportionWithinTarget: undefined, resolved: 0, resolvedFirstTime: 0, proportionResolvedFirstTime: undefined, feedbackCount: 0,
  feedbackMean: undefined, scores: [0, 0, 0, 0, 0], repeatContacts: 0, ...f,
});

describe('ISO weeks on the London calendar', () => {
  it('a week runs Monday to Monday, local time, across the clock change, and takes its ISO year from its Thursday', () => {
    const weeks = lastIsoWeeks(new Date('2026-11-01T00:30:00Z'), 2, 'Europe/London'); // Sunday 1 November, 00:30 GMT
    expect(weeks.map((w) => [w.label, w.monday, w.start.toISOString(), w.end.toISOString()])).toEqual([
      // BST until Sunday 25 October: W43 starts at 23:00 UTC and ends, in GMT, at midnight UTC.
      ['2026-W43', '2026-10-19', '2026-10-18T23:00:00.000Z', '2026-10-26T00:00:00.000Z'],
      ['2026-W44', '2026-10-26', '2026-10-26T00:00:00.000Z', '2026-11-02T00:00:00.000Z'],
    ]);
    expect(lastIsoWeeks(new Date('2027-01-01T12:00:00Z'), 1, 'Europe/London')[0]!.label).toBe('2026-W53');
    expect(lastIsoWeeks(new Date('2026-01-01T12:00:00Z'), 1, 'Europe/London')[0]!.label).toBe('2026-W01');
  });
});

describe('CSV cells', () => {
  it('text a spreadsheet would take as a formula is written as text; commas and quotes are quoted', () => {
    expect(['=HYPERLINK("http://x")', '+1', '-2', '@SUM(A1)', '\tx', 'kidney', 'a,b'].map(csvCell))
      .toEqual([`"'=HYPERLINK(""http://x"")"`, "'+1", "'-2", "'@SUM(A1)", "'\tx", 'kidney', '"a,b"']);
    expect(csvCell(0.5)).toBe('0.5');
    expect(csvCell(undefined)).toBe('');
  });
});

for (const engine of engines) {
  describe.skipIf(!engine.available)(`patient-experience figures on ${engine.name}`, () => {
    let opened: OpenedEngine;
    let db: Database;
    beforeAll(async () => {
      opened = await engine.open();
      db = opened.db;
      await insertKnownFigures(db);
    });
    afterAll(() => opened?.cleanup());

    it('by pathway and week: response against target, resolved first time, feedback and repeat contacts', async () => {
      const figures = await experienceFigures(db, query);
      expect(figures.weeks.map((w) => w.label)).toEqual(['2026-W48', '2026-W49']);
      expect(figures.pathways).toEqual(['kidney', 'epilepsy']);
      expect(figures.byPathwayAndWeek).toEqual([
        expected({ pathway: 'kidney', week: '2026-W48', raised: 1, contacted: 1, medianMinutesToContact: 3840, withinTarget: 1, proportionWithinTarget: 1,
          feedbackCount: 1, feedbackMean: 4, scores: [0, 0, 0, 1, 0] }),
        expected({ pathway: 'kidney', week: '2026-W49', raised: 4, contacted: 2, medianMinutesToContact: 105, withinTarget: 1, pastTarget: 2,
          proportionWithinTarget: 1 / 3, resolved: 2, resolvedFirstTime: 1, proportionResolvedFirstTime: 0.5,
          feedbackCount: 2, feedbackMean: 3.5, scores: [0, 1, 0, 0, 1], repeatContacts: 1 }),
        expected({ pathway: 'epilepsy', week: '2026-W48' }),
        expected({ pathway: 'epilepsy', week: '2026-W49', raised: 1, contacted: 1, medianMinutesToContact: 10, withinTarget: 1, proportionWithinTarget: 1 }),
      ]);
    });

    it('all pathways per week, each pathway over the period, and the period in all', async () => {
      const figures = await experienceFigures(db, query);
      expect(figures.byWeek[1]).toEqual(expected({ week: '2026-W49', raised: 5, contacted: 3, medianMinutesToContact: 30, withinTarget: 2, pastTarget: 2,
        proportionWithinTarget: 0.5, resolved: 2, resolvedFirstTime: 1, proportionResolvedFirstTime: 0.5, feedbackCount: 2, feedbackMean: 3.5,
        scores: [0, 1, 0, 0, 1], repeatContacts: 1 }));
      expect(figures.byPathway[0]).toMatchObject({ pathway: 'kidney', week: undefined, raised: 5, contacted: 3, medianMinutesToContact: 180, withinTarget: 2, pastTarget: 2 });
      expect(figures.total).toMatchObject({ raised: 6, contacted: 4, medianMinutesToContact: 105, withinTarget: 3, pastTarget: 2, proportionWithinTarget: 0.6,
        feedbackCount: 3, feedbackMean: 11 / 3, scores: [0, 1, 0, 1, 1], repeatContacts: 1 });
    });

    it('one pathway: only its rows', async () => {
      const figures = await experienceFigures(db, { ...query, pathway: 'epilepsy' });
      expect(figures.pathways).toEqual(['epilepsy']);
      expect(figures.total).toMatchObject({ raised: 1, contacted: 1, feedbackCount: 0, repeatContacts: 0 });
      const none = await experienceFigures(db, { ...query, pathway: 'stroke' });
      expect(none.byPathwayAndWeek.map((f) => [f.pathway, f.week, f.raised])).toEqual([['stroke', '2026-W48', 0], ['stroke', '2026-W49', 0]]);
    });

    it('the CSV holds the same figures, one row per pathway and week', async () => {
      const figures = await experienceFigures(db, query);
      const lines = figuresCsv(figures).split('\r\n');
      expect(lines[0]).toBe('pathway,iso_week,week_starts,concerns_raised,contacted,median_minutes_to_first_contact,first_contact_within_target,' +
        'first_contact_past_target,proportion_within_target,resolved,resolved_first_time,proportion_resolved_first_time,feedback_count,feedback_mean,' +
        'score_1,score_2,score_3,score_4,score_5,repeat_contacts');
      expect(lines.slice(1)).toEqual([
        'kidney,2026-W48,2026-11-23,1,1,3840,1,0,1,0,0,,1,4,0,0,0,1,0,0',
        'kidney,2026-W49,2026-11-30,4,2,105,1,2,0.333,2,1,0.5,2,3.5,0,1,0,0,1,1',
        'epilepsy,2026-W48,2026-11-23,0,0,,0,0,,0,0,,0,,0,0,0,0,0,0',
        'epilepsy,2026-W49,2026-11-30,1,1,10,1,0,1,0,0,,0,,0,0,0,0,0,0',
        '',
      ]);
      expect(figuresFileName(figures, undefined)).toBe('carepoint-figures-2026-W48-to-2026-W49.csv');
    });
  });
}
