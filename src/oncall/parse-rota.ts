import { isMap } from 'yaml';
import type { z } from 'zod';
import { readYaml, schemaProblems, type Problem } from '../knowledge/yaml-lines.js';
import { DAY_NAMES, type Override, type Person, type Rota, type Shift } from './rota.js';
import { overrideSchema, personSchema, ROTA_FIELDS, rotaFileSchema, shiftSchema, timeZoneSchema } from './rota-schema.js';
import { shiftOverlaps } from './shift-overlaps.js';
import { instantAt } from './wall-clock.js';

export type ParsedRota = { ok: true; rota: Rota } | { ok: false; problems: Problem[] };

/**
 * Reads and checks a rota file, reporting every problem with its line: YAML and shape first, then people
 * who are not listed, shifts that overlap, overrides that end before they start or overlap one another.
 * Messages name ids and lines, never a phone number.
 */
export function parseRota(text: string, file: string): ParsedRota {
  const read = readYaml(text, file);
  if (!read.ok) return read;
  const { yaml } = read;
  if (!isMap(yaml.doc.contents)) return { ok: false, problems: [{ file, line: 1, message: 'must be a set of "key: value" lines: timezone, people, shifts, overrides, final', severity: 'error' }] };
  const raw = yaml.doc.toJS() as Record<string, unknown>;
  const parsed = rotaFileSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: schemaProblems(yaml, parsed.error, file) };
  const content = parsed.data;
  const problem = (line: number, message: string): Problem => ({ file, line, message, severity: 'error' });
  const problems: Problem[] = [];
  for (const key of Object.keys(raw).filter((k) => !ROTA_FIELDS.includes(k))) {
    problems.push(problem(yaml.lineOfKey(key), `unknown field "${key}" (a typo?)`));
  }
  const zone = timeZoneSchema.safeParse(content.timezone);
  if (!zone.success) problems.push(...schemaProblems(yaml, zone.error, file, ['timezone']));
  const timeZone = zone.data ?? 'Europe/London';
  /** Each entry of a list on its own, so that one bad entry hides no problem in the others. */
  const entries = <T extends z.ZodType>(section: 'people' | 'shifts' | 'overrides', schema: T): [z.output<T>, number][] =>
    content[section].flatMap((entry, i): [z.output<T>, number][] => {
      const checked = schema.safeParse(entry);
      if (checked.success) return [[checked.data, i]];
      problems.push(...schemaProblems(yaml, checked.error, file, [section, i]));
      return [];
    });

  const final = personSchema.safeParse(content.final);
  if (content.final == null) problems.push(problem(yaml.lineOfPath(['final']), 'final: is required (who is called when no one else answers, or no one is on call)'));
  else if (!final.success) problems.push(...schemaProblems(yaml, final.error, file, ['final']));

  // People whose entry has a problem of its own are still listed: naming them elsewhere is not a second problem.
  const listed = new Map<string, number>();
  content.people.forEach((entry, i) => {
    const id = (entry as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return;
    const line = yaml.lineOfPath(['people', i, 'id']);
    const first = listed.get(id);
    if (first !== undefined) problems.push(problem(line, `people: "${id}" is listed twice (first on line ${first})`));
    else listed.set(id, line);
  });
  const people = new Map<string, Person>();
  for (const [person] of entries('people', personSchema)) if (!people.has(person.id)) people.set(person.id, person);

  /** Primary and backup must be listed people, and two different people. */
  const checkPeople = (section: 'shifts' | 'overrides', i: number, entry: { primary: string; backup?: string | undefined }) => {
    for (const role of ['primary', 'backup'] as const) {
      const who = entry[role];
      if (who !== undefined && !listed.has(who)) {
        problems.push(problem(yaml.lineOfPath([section, i, role]), `${role}: "${who}" is not one of the people listed under people:`));
      }
    }
    if (entry.backup !== undefined && entry.backup === entry.primary) {
      problems.push(problem(yaml.lineOfPath([section, i, 'backup']), 'backup: must be someone other than the primary'));
    }
  };

  const shifts: Shift[] = entries('shifts', shiftSchema).map(([s, i]) => {
    checkPeople('shifts', i, s);
    const repeated = s.days.find((d, j) => s.days.indexOf(d) !== j);
    if (repeated) problems.push(problem(yaml.lineOfPath(['shifts', i, 'days']), `days: ${repeated} is listed twice`));
    return { days: [...new Set(s.days)].map((d) => DAY_NAMES.indexOf(d) + 1), from: s.from, to: s.to, primary: s.primary, backup: s.backup, line: yaml.lineOfPath(['shifts', i]) };
  });
  for (const { earlier, later, when } of shiftOverlaps(shifts)) {
    problems.push(problem(shifts[later]!.line, `this shift overlaps the shift on line ${shifts[earlier]!.line}: both cover ${when}`));
  }

  const overrides: Override[] = [];
  for (const [o, i] of entries('overrides', overrideSchema)) {
    checkPeople('overrides', i, o);
    const from = instantAt(o.from.day, o.from.minutes, timeZone);
    const to = instantAt(o.to.day, o.to.minutes, timeZone);
    if (to <= from) problems.push(problem(yaml.lineOfPath(['overrides', i, 'to']), 'to: must be after from'));
    else overrides.push({ from, to, primary: o.primary, backup: o.backup, line: yaml.lineOfPath(['overrides', i]) });
  }
  overrides.sort((a, b) => a.from - b.from || a.line - b.line);
  problems.push(...overrideOverlaps(overrides, file));

  if (problems.length > 0 || !final.success) return { ok: false, problems: problems.sort((a, b) => a.line - b.line) };
  // Every entry was good, so these are all of them.
  return { ok: true, rota: { timeZone, people, shifts, overrides, final: final.data, file } };
}

/** Two overrides for the same time cannot both win: each overlap is reported at the later one in the file. */
function overrideOverlaps(sorted: readonly Override[], file: string): Problem[] {
  const problems: Problem[] = [];
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j]!.from < sorted[i]!.to; j++) {
      const [first, second] = [sorted[i]!, sorted[j]!].sort((a, b) => a.line - b.line) as [Override, Override];
      problems.push({ file, line: second.line, message: `this override overlaps the override on line ${first.line}`, severity: 'error' });
    }
  }
  return problems;
}
