import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextChange, onCallAt, type OnCall } from '../../src/oncall/on-call.js';
import { parseRota } from '../../src/oncall/parse-rota.js';
import type { Rota } from '../../src/oncall/rota.js';
import { FINAL, FULL_ROTA, PEOPLE, rotaOf, WEEKDAY_ROTA } from './fixtures.js';

// Instants are written with their UTC offset, as a London clock would show them (+00:00 GMT, +01:00 BST),
// so that the tests do not lean on the conversion they check.
const at = (iso: string) => new Date(iso);
const full = rotaOf(FULL_ROTA);
const weekdays = rotaOf(WEEKDAY_ROTA);

/** Who, in one word: "sam/alex", "gap". */
function who(cover: OnCall): string {
  return cover.source === 'gap' ? 'gap' : `${cover.primary.id}/${cover.backup?.id ?? '-'}`;
}
const hours = (from: string, to: Date | undefined) => ((to?.getTime() ?? NaN) - at(from).getTime()) / 3_600_000;

describe('onCallAt: ordinary weeks', () => {
  it.each([
    ['Monday morning, as the day shift starts', '2026-06-01T08:00:00+01:00', 'sam/alex', 'shift', '2026-06-01T18:00:00+01:00'],
    ['Wednesday afternoon', '2026-06-03T17:59:00+01:00', 'sam/alex', 'shift', '2026-06-03T18:00:00+01:00'],
    ['Wednesday evening, as the night shift starts', '2026-06-03T18:00:00+01:00', 'jo/sam', 'shift', '2026-06-04T08:00:00+01:00'],
    ['the small hours of Thursday, on Wednesday night\'s shift', '2026-06-04T03:00:00+01:00', 'jo/sam', 'shift', '2026-06-04T08:00:00+01:00'],
    ['Friday night', '2026-06-05T23:00:00+01:00', 'kim/jo', 'shift', '2026-06-06T08:00:00+01:00'],
    ['Saturday midday', '2026-06-06T12:00:00+01:00', 'alex/kim', 'shift', '2026-06-06T18:00:00+01:00'],
    ['Sunday night into Monday', '2026-06-08T07:59:00+01:00', 'jo/sam', 'shift', '2026-06-08T08:00:00+01:00'],
    ['a January Tuesday (GMT)', '2026-01-13T12:00:00+00:00', 'sam/alex', 'shift', '2026-01-13T18:00:00+00:00'],
  ])('%s', (_name, instant, expected, source, until) => {
    const cover = onCallAt(full, at(instant));
    expect(who(cover)).toBe(expected);
    expect(cover.source).toBe(source);
    expect(cover.until).toEqual(at(until));
    expect(cover.final).toMatchObject({ id: 'duty-manager', name: 'Duty manager', phone: '+447700900199' });
  });

  it('gives the people themselves: name and phone number', () => {
    const cover = onCallAt(full, at('2026-06-01T12:00:00+01:00'));
    if (cover.source === 'gap') throw new Error('expected cover');
    expect(cover.primary).toEqual({ id: 'sam', name: 'Sam Patel', phone: '+447700900101' });
    expect(cover.backup).toEqual({ id: 'alex', name: 'Alex Morgan', phone: '+447700900102' });
  });

  it('a shift without a backup has none', () => {
    const rota = rotaOf(`${PEOPLE}shifts:\n  - { days: [mon], from: "09:00", to: "17:00", primary: kim }\n${FINAL}`);
    expect(onCallAt(rota, at('2026-06-01T10:00:00+01:00'))).toMatchObject({ source: 'shift', primary: { id: 'kim' }, backup: undefined });
  });
});

describe('onCallAt: clock changes', () => {
  it.each([
    // Saturday night's shift, 18:00 to 08:00, over the night the clocks go forward: 13 hours.
    ['spring 2026', '2026-03-28T18:00:00+00:00', '2026-03-29T08:00:00+01:00', 13],
    ['spring 2027', '2027-03-27T18:00:00+00:00', '2027-03-28T08:00:00+01:00', 13],
    // ... and back: 15 hours.
    ['autumn 2026', '2026-10-24T18:00:00+01:00', '2026-10-25T08:00:00+00:00', 15],
    ['autumn 2027', '2027-10-30T18:00:00+01:00', '2027-10-31T08:00:00+00:00', 15],
  ])('%s: the Saturday night shift runs 18:00 to 08:00 by the clock, %s to %s, %i hours', (_name, start, end, length) => {
    const cover = onCallAt(full, at(start));
    expect(who(cover)).toBe('kim/jo');
    expect(cover.until).toEqual(at(end));
    expect(hours(start, cover.until)).toBe(length);
    // The hour before it is Saturday's day shift; the moment it ends, Sunday's.
    expect(who(onCallAt(full, new Date(at(start).getTime() - 1)))).toBe('alex/kim');
    expect(who(onCallAt(full, at(end)))).toBe('alex/kim');
  });

  it.each([
    ['2026-03-29T00:59:00+00:00', 'the last minute of GMT'],
    ['2026-03-29T02:00:00+01:00', 'the first minute of BST'],
    ['2026-10-25T01:30:00+01:00', 'the first 01:30 (BST)'],
    ['2026-10-25T01:30:00+00:00', 'the second 01:30 (GMT)'],
    ['2027-03-28T00:30:00+00:00', '00:30 on the spring morning of 2027'],
    ['2027-10-31T01:59:00+00:00', 'the second 01:59 of 2027'],
  ])('the night shift covers %s (%s)', (instant) => {
    expect(who(onCallAt(full, at(instant)))).toBe('kim/jo');
  });

  it('Sunday night after the clocks go forward is 14 hours, as usual (18:00 BST to 08:00 BST)', () => {
    const cover = onCallAt(full, at('2026-03-29T18:00:00+01:00'));
    expect(who(cover)).toBe('jo/sam');
    expect(hours('2026-03-29T18:00:00+01:00', cover.until)).toBe(14);
  });

  // A rota with a boundary in the hour that is skipped (March) or happens twice (October).
  const boundaries = rotaOf(`${PEOPLE}shifts:
  - { days: [sun], from: "00:00", to: "01:30", primary: jo }
  - { days: [sun], from: "01:30", to: "08:00", primary: sam }
${FINAL}`);

  it.each([
    ['2026-03-29', '2026-03-29T00:00:00+00:00', '2026-03-29T02:00:00+01:00'],
    ['2027-03-28', '2027-03-28T00:00:00+00:00', '2027-03-28T02:00:00+01:00'],
  ])('%s: 01:30 does not exist, so a shift ending then ends, and the next begins, as the clocks go forward (02:00 BST)', (_day, start, change) => {
    expect(who(onCallAt(boundaries, at(start)))).toBe('jo/-');
    expect(nextChange(boundaries, at(start))).toEqual(at(change));
    expect(who(onCallAt(boundaries, at(change)))).toBe('sam/-');
  });

  it.each([
    ['2026-10-25', '2026-10-25T00:00:00+01:00', '2026-10-25T01:30:00+01:00'],
    ['2027-10-31', '2027-10-31T00:00:00+01:00', '2027-10-31T01:30:00+01:00'],
  ])('%s: 01:30 happens twice, and a shift boundary there is the first (BST)', (_day, start, change) => {
    expect(who(onCallAt(boundaries, at(start)))).toBe('jo/-');
    expect(nextChange(boundaries, at(start))).toEqual(at(change));
    expect(onCallAt(boundaries, at(change))).toMatchObject({ source: 'shift', primary: { id: 'sam' }, until: at(change.slice(0, 11) + '08:00:00+00:00') });
  });

  it('a shift wholly in the skipped hour has nobody on call that night, and covers every other Sunday', () => {
    const rota = rotaOf(`${PEOPLE}shifts:\n  - { days: [sun], from: "01:00", to: "02:00", primary: kim }\n${FINAL}`);
    expect(who(onCallAt(rota, at('2026-03-29T00:59:00+00:00')))).toBe('gap');
    expect(nextChange(rota, at('2026-03-29T00:59:00+00:00'))).toEqual(at('2026-04-05T01:00:00+01:00'));
    // In October the hour from 01:00 happens twice; the shift runs from the first 01:00 to 02:00 GMT: two hours.
    expect(who(onCallAt(rota, at('2026-10-25T01:00:00+01:00')))).toBe('kim/-');
    expect(nextChange(rota, at('2026-10-25T01:00:00+01:00'))).toEqual(at('2026-10-25T02:00:00+00:00'));
  });
});

describe('onCallAt: overrides and gaps', () => {
  it('an override wins over the shifts, from its start to its end', () => {
    // Christmas Eve 2026 is a Thursday: the day shift gives way to the override at 18:00.
    expect(onCallAt(full, at('2026-12-24T12:00:00+00:00'))).toMatchObject({ source: 'shift', primary: { id: 'sam' }, until: at('2026-12-24T18:00:00+00:00') });
    const christmas = onCallAt(full, at('2026-12-25T03:00:00+00:00'));
    expect(christmas).toMatchObject({ source: 'override', primary: { id: 'alex' }, backup: { id: 'jo' } });
    // Then Sunday's day shift: alex again, with kim as backup.
    expect(christmas.until).toEqual(at('2026-12-27T08:00:00+00:00'));
    expect(onCallAt(full, at('2026-12-27T08:00:00+00:00'))).toMatchObject({ source: 'shift', primary: { id: 'alex' }, backup: { id: 'kim' } });
  });

  it('until runs on through a change of shift when the same people stay on call', () => {
    const rota = rotaOf(`${PEOPLE}shifts:
  - { days: [mon], from: "08:00", to: "18:00", primary: sam, backup: alex }
  - { days: [mon], from: "18:00", to: "22:00", primary: sam, backup: alex }
${FINAL}`);
    expect(onCallAt(rota, at('2026-06-01T09:00:00+01:00')).until).toEqual(at('2026-06-01T22:00:00+01:00'));
  });

  it('no one on call is a gap: the final contact only, until someone is', () => {
    const saturday = onCallAt(weekdays, at('2026-06-06T12:00:00+01:00'));
    expect(saturday).toEqual({ source: 'gap', final: { id: 'duty-manager', name: 'Duty manager', phone: '+447700900199' }, until: at('2026-06-08T08:00:00+01:00') });
    expect(onCallAt(weekdays, at('2026-06-05T17:00:00+01:00'))).toMatchObject({ source: 'shift', until: at('2026-06-05T18:00:00+01:00') });
    // Friday night is not covered: from 18:00 the gap runs to Monday 08:00 (over the spring change: BST by then).
    expect(nextChange(weekdays, at('2026-03-27T18:00:00+00:00'))).toEqual(at('2026-03-30T08:00:00+01:00'));
    expect(onCallAt(weekdays, at('2026-03-27T18:00:00+00:00')).source).toBe('gap');
  });

  it('cover that never changes has no until', () => {
    const always = rotaOf(`${PEOPLE}shifts:\n  - { days: [mon, tue, wed, thu, fri, sat, sun], from: "08:00", to: "08:00", primary: sam, backup: jo }\n${FINAL}`);
    expect(onCallAt(always, at('2026-10-25T01:30:00+00:00'))).toMatchObject({ source: 'shift', primary: { id: 'sam' }, until: undefined });
    const nobody = rotaOf(`${PEOPLE}${FINAL}`);
    expect(onCallAt(nobody, at('2026-06-01T12:00:00+01:00'))).toMatchObject({ source: 'gap', until: undefined });
  });

  it('a 24-hour shift (from equals to) lasts 23 or 25 hours over a clock change', () => {
    const rota = rotaOf(`${PEOPLE}shifts:\n  - { days: [sat], from: "09:00", to: "09:00", primary: kim }\n${FINAL}`);
    expect(hours('2026-03-28T09:00:00+00:00', onCallAt(rota, at('2026-03-28T09:00:00+00:00')).until)).toBe(23);
    expect(hours('2026-10-24T09:00:00+01:00', onCallAt(rota, at('2026-10-24T09:00:00+01:00')).until)).toBe(25);
  });
});

describe('nextChange', () => {
  it.each([
    ['Monday morning: the evening', '2026-06-01T10:00:00+01:00', '2026-06-01T18:00:00+01:00'],
    ['Friday evening: Saturday morning', '2026-06-05T20:00:00+01:00', '2026-06-06T08:00:00+01:00'],
    ['the spring Saturday evening: Sunday 08:00 BST', '2026-03-28T20:00:00+00:00', '2026-03-29T08:00:00+01:00'],
    ['the autumn Saturday evening: Sunday 08:00 GMT', '2027-10-30T20:00:00+01:00', '2027-10-31T08:00:00+00:00'],
    ['Christmas Eve afternoon: the override', '2026-12-24T15:00:00+00:00', '2026-12-24T18:00:00+00:00'],
    ['Christmas Eve night: the override ends', '2026-12-24T19:00:00+00:00', '2026-12-27T08:00:00+00:00'],
  ])('%s', (_name, instant, expected) => {
    expect(nextChange(full, at(instant))).toEqual(at(expected));
  });

  it('at the very instant of a change, gives the one after', () => {
    expect(nextChange(full, at('2026-06-01T18:00:00+01:00'))).toEqual(at('2026-06-02T08:00:00+01:00'));
  });
});

describe('onCallAt and nextChange agree (property)', () => {
  const days = fc.subarray(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], { minLength: 1, maxLength: 3 });
  const clock = fc.integer({ min: 0, max: 47 }).map((half) => `"${String(Math.floor(half / 2)).padStart(2, '0')}:${half % 2 ? '30' : '00'}"`);
  const person = fc.constantFrom('sam', 'alex', 'jo', 'kim');
  const shift = fc.record({ days, from: clock, to: clock, primary: person, backup: fc.option(person, { nil: undefined }) })
    .filter((s) => s.backup !== s.primary)
    .map((s) => `  - { days: [${s.days.join(', ')}], from: ${s.from}, to: ${s.to}, primary: ${s.primary}${s.backup ? `, backup: ${s.backup}` : ''} }`);
  const randomRota = fc.array(shift, { minLength: 1, maxLength: 3 })
    .map((shifts) => parseRota(`${PEOPLE}shifts:\n${shifts.join('\n')}\n${FINAL}`, 'random.yaml'))
    .filter((parsed) => parsed.ok)
    .map((parsed) => (parsed as { ok: true; rota: Rota }).rota);
  const rota = fc.oneof(fc.constant(full), fc.constant(weekdays), randomRota);
  // Mostly the weekends of the clock changes, where mistakes would be.
  const changes = ['2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', '2027-03-28T01:00:00Z', '2027-10-31T01:00:00Z'].map(Date.parse);
  const instant = fc.oneof(
    fc.tuple(fc.constantFrom(...changes), fc.integer({ min: -3 * 86_400, max: 3 * 86_400 })).map(([c, s]) => new Date(c + s * 1000)),
    fc.date({ min: new Date('2026-01-01T00:00:00Z'), max: new Date('2028-01-01T00:00:00Z'), noInvalidDate: true }),
  );
  const key = (c: OnCall) => who(c);

  it('cover is the same from an instant until nextChange, and different at it', () => {
    fc.assert(
      fc.property(rota, instant, fc.double({ min: 0, max: 1, noNaN: true }), (r, t, fraction) => {
        const now = onCallAt(r, t);
        const change = nextChange(r, t);
        expect(now.until).toEqual(change);
        if (!change) return;
        expect(change.getTime()).toBeGreaterThan(t.getTime());
        const between = new Date(t.getTime() + Math.floor((change.getTime() - t.getTime()) * fraction * 0.999));
        expect(key(onCallAt(r, between))).toBe(key(now));
        expect(key(onCallAt(r, new Date(change.getTime() - 1)))).toBe(key(now));
        expect(key(onCallAt(r, change))).not.toBe(key(now));
      }),
      { numRuns: 150, seed: 20261025 },
    );
  });
});
