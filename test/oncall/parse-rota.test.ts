import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRota } from '../../src/oncall/parse-rota.js';
import { FINAL, FULL_ROTA, PEOPLE } from './fixtures.js';

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

/** The problems of a rota that must be refused, as "line: message". */
function problemsOf(text: string): string[] {
  const parsed = parseRota(text, 'rota.yaml');
  if (parsed.ok) throw new Error('expected the rota to be refused');
  for (const p of parsed.problems) expect(p).toMatchObject({ file: 'rota.yaml', severity: 'error' });
  return parsed.problems.map((p) => `${p.line}: ${p.message}`);
}

const withShifts = (...shifts: string[]) => `${PEOPLE}shifts:\n${shifts.map((s) => `  - ${s}`).join('\n')}\n${FINAL}`;

describe('parseRota', () => {
  it('reads the sample rota and the tests\' rota', () => {
    const sample = parseRota(readFileSync(new URL('../../src/oncall/sample-rota.yaml', import.meta.url), 'utf8'), 'sample-rota.yaml');
    expect(sample.ok).toBe(true);
    const parsed = parseRota(FULL_ROTA, 'rota.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.rota.timeZone).toBe('Europe/London');
    expect([...parsed.rota.people.keys()]).toEqual(['sam', 'alex', 'jo', 'kim']);
    expect(parsed.rota.shifts[0]).toEqual({ days: [1, 2, 3, 4, 5], from: 480, to: 1080, primary: 'sam', backup: 'alex', line: lineOf(FULL_ROTA, 'primary: sam, backup: alex') });
    expect(parsed.rota.overrides).toEqual([{ from: Date.parse('2026-12-24T18:00:00Z'), to: Date.parse('2026-12-27T08:00:00Z'), primary: 'alex', backup: 'jo', line: lineOf(FULL_ROTA, '2026-12-24T18:00') }]);
    expect(parsed.rota.final).toEqual({ id: 'duty-manager', name: 'Duty manager', phone: '+447700900199' });
  });

  it('takes unquoted times, a one-digit hour, an empty list and no timezone (Europe/London)', () => {
    const parsed = parseRota(`${PEOPLE}shifts:\n  - { days: [mon], from: 8:00, to: 17:30, primary: sam }\noverrides:\n${FINAL}`, 'rota.yaml');
    expect(parsed).toMatchObject({ ok: true, rota: { timeZone: 'Europe/London', shifts: [{ from: 480, to: 1050 }], overrides: [] } });
  });

  it('refuses people who are not listed, at the line that names them', () => {
    const text = withShifts('{ days: [mon], from: "08:00", to: "18:00", primary: sal, backup: alex }', '{ days: [tue], from: "08:00", to: "18:00", primary: sam, backup: jon }')
      .replace('final:', 'overrides:\n  - { from: 2026-12-24T18:00, to: 2026-12-25T08:00, primary: alx }\nfinal:');
    expect(problemsOf(text)).toEqual([
      `${lineOf(text, 'primary: sal')}: primary: "sal" is not one of the people listed under people:`,
      `${lineOf(text, 'backup: jon')}: backup: "jon" is not one of the people listed under people:`,
      `${lineOf(text, 'primary: alx')}: primary: "alx" is not one of the people listed under people:`,
    ]);
  });

  it('refuses shifts that cover the same time, saying which and when, overnight and across Sunday night too', () => {
    const text = withShifts(
      '{ days: [mon, tue], from: "08:00", to: "18:00", primary: sam }',
      '{ days: [tue], from: "17:00", to: "19:00", primary: jo }',
      '{ days: [sun], from: "22:00", to: "09:00", primary: kim }',
    );
    expect(problemsOf(text)).toEqual([
      `${lineOf(text, 'primary: jo')}: this shift overlaps the shift on line ${lineOf(text, 'primary: sam')}: both cover Tuesday 17:00 to 18:00`,
      `${lineOf(text, 'primary: kim')}: this shift overlaps the shift on line ${lineOf(text, 'primary: sam')}: both cover Monday 08:00 to 09:00`,
    ]);
  });

  it('takes shifts that meet end to start, a shift overnight into Monday beside Monday\'s, and 24-hour shifts back to back', () => {
    expect(parseRota(withShifts(
      '{ days: [sun], from: "18:00", to: "08:00", primary: jo }',
      '{ days: [mon], from: "08:00", to: "08:00", primary: sam }',
      '{ days: [tue], from: "08:00", to: "08:00", primary: kim }',
    ), 'rota.yaml').ok).toBe(true);
  });

  it('refuses bad times, days and dates with a plain message at their line', () => {
    const text = withShifts(
      '{ days: [mon], from: "25:00", to: "18:00", primary: sam }',
      '{ days: [monday], from: "08:00", to: "6pm", primary: jo }',
      '{ days: [], from: "08:00", to: "09:00", primary: kim }',
      '{ days: [wed, wed], from: "08:00", to: "09:00", primary: kim }',
    ).replace('final:', 'overrides:\n  - { from: 2026-02-30T18:00, to: 2026-03-01T08:00, primary: sam }\n  - { from: 2026-12-24 6pm, to: 2026-12-25T08:00, primary: sam }\n  - { from: 2026-12-28T18:00, to: 2026-12-28T08:00, primary: sam }\nfinal:');
    expect(problemsOf(text)).toEqual([
      `${lineOf(text, '"25:00"')}: shifts.from: must be a 24-hour time like "08:00" (00:00 to 23:59)`,
      `${lineOf(text, 'monday')}: shifts.days.0: must be one of mon, tue, wed, thu, fri, sat, sun`,
      `${lineOf(text, 'monday')}: shifts.to: must be a 24-hour time like "08:00" (00:00 to 23:59)`,
      `${lineOf(text, 'days: []')}: shifts.days: needs at least one day`,
      `${lineOf(text, 'wed, wed')}: days: wed is listed twice`,
      `${lineOf(text, '2026-02-30')}: overrides.from: is not a real date`,
      `${lineOf(text, '6pm, to: 2026')}: overrides.from: must be a date and time like 2026-12-24T18:00`,
      `${lineOf(text, '2026-12-28T08:00')}: to: must be after from`,
    ]);
  });

  it('refuses overrides that overlap one another, and a backup who is the primary', () => {
    const text = `${PEOPLE}overrides:
  - { from: 2026-12-24T18:00, to: 2026-12-27T08:00, primary: alex }
  - { from: 2026-12-26T08:00, to: 2026-12-26T20:00, primary: jo, backup: jo }
${FINAL}`;
    expect(problemsOf(text)).toEqual([
      `${lineOf(text, 'backup: jo')}: backup: must be someone other than the primary`,
      `${lineOf(text, 'primary: jo')}: this override overlaps the override on line ${lineOf(text, 'primary: alex')}`,
    ]);
  });

  it('wants UK numbers in E.164, in quotes, and never repeats a number in a message', () => {
    const text = `people:
  - { id: sam, name: Sam Patel, phone: "07700900111" }
  - { id: alex, name: Alex Morgan, phone: +447700900112 }
  - { id: jo, name: Jo Williams, phone: "+33612345678" }
  - { id: kim, name: Kim Evans, phone: "+4412345" }
  - { id: sam, name: Sam Again, phone: "+447700900105" }
final: { id: duty-manager, name: Duty manager }
`;
    const problems = problemsOf(text);
    expect(problems).toEqual([
      `2: people.phone: must be a UK number in E.164: "+44", then the number without its first 0 and without spaces`,
      `3: people.phone: must be in quotes (unquoted, YAML reads it as a number and drops its "+" or first 0)`,
      `4: people.phone: must be a UK number in E.164: "+44", then the number without its first 0 and without spaces`,
      `5: people.phone: must be a UK number in E.164: "+44", then the number without its first 0 and without spaces`,
      `6: people: "sam" is listed twice (first on line 2)`,
      `7: final.phone: is required`,
    ]);
    for (const digits of ['7700900111', '7700900112', '612345678', '4412345', '7700900105']) expect(problems.join('\n')).not.toContain(digits);
  });

  it('names an unknown field (a typo) at its own line, and a missing final contact; a file that is not a map', () => {
    const text = `${PEOPLE}shifts:\n  - days: [mon]\n    from: "08:00"\n    to: "18:00"\n    primary: sam\n    backpu: alex\ntimezone: Europe/Paris\n`;
    expect(problemsOf(text)).toEqual([
      '1: final: is required (who is called when no one else answers, or no one is on call)',
      `${lineOf(text, 'backpu')}: shifts: unknown field "backpu" (a typo?)`,
      `${lineOf(text, 'timezone')}: timezone: must be Europe/London (the only time zone a rota can use)`,
    ]);
    expect(problemsOf(`${FULL_ROTA}finale: {}\n`)).toEqual([`${lineOf(FULL_ROTA, 'final:') + 1}: unknown field "finale" (a typo?)`]);
    expect(problemsOf('- just\n- a list\n')).toEqual(['1: must be a set of "key: value" lines: timezone, people, shifts, overrides, final']);
  });

  it('gives the line of a YAML syntax error', () => {
    const text = `${PEOPLE}shifts:\n  - { days: [mon, from: "08:00" }\n${FINAL}`;
    const [first] = problemsOf(text);
    expect(Number(first!.split(':')[0])).toBe(lineOf(text, 'days: [mon, from'));
  });
});
