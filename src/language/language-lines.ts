import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readYaml, schemaProblems } from '../knowledge/yaml-lines.js';

export const LANGUAGES_FILE = 'languages.yaml';

const isoDate = z.iso.date('must be a date like 2026-12-02');
const languagesSchema = z.object({
  owner: z.string().min(1),
  clinicalReviewer: z.string().min(1),
  translationReviewer: z.string().min(1),
  clinicalSignOff: z.string().min(1),
  lastReviewed: isoDate,
  reviewDue: isoDate,
  english: z.string().trim().min(1),
  languages: z.array(z.object({
    code: z.string().regex(/^[a-z]{3}$/, 'must be an ISO 639-3 code such as cym'),
    name: z.string().min(1),
    native: z.string().min(1),
    line: z.string().trim().min(1),
  })).min(1),
});

export interface LanguageLine {
  code: string;
  name: string;
  line: string;
}

/** The 999/111 line in English and in each language Carepoint recognises (knowledge/languages.yaml). */
export interface LanguageLines {
  english: string;
  /** By ISO 639-3 code. */
  byCode: ReadonlyMap<string, LanguageLine>;
  /** After this day the translations are not served (the English line still is: it is the safety line). */
  reviewDue: string;
}

/** Reads and checks the file; a problem stops start-up with file:line, as a bad red flags file does. */
export async function loadLanguageLines(knowledgeDir: string): Promise<LanguageLines> {
  const file = join(knowledgeDir, LANGUAGES_FILE);
  const read = readYaml(await readFile(file, 'utf8'), file);
  if (!read.ok) throw new Error(read.problems.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n'));
  const parsed = languagesSchema.safeParse(read.yaml.doc.toJS());
  if (!parsed.success) {
    throw new Error(schemaProblems(read.yaml, parsed.error, file).map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n'));
  }
  const { english, languages, reviewDue } = parsed.data;
  return { english, reviewDue, byCode: new Map(languages.map((l) => [l.code, { code: l.code, name: l.name, line: l.line }])) };
}

/** Whether the translations may be served on `now` (UK date); past their review-due date they are not. */
export function translationsInDate(lines: LanguageLines, now: Date): boolean {
  const today = now.toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
  return today <= lines.reviewDue;
}
