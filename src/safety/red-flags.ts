import { readFile } from 'node:fs/promises';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { z } from 'zod';
import type { RiskClassifier } from './risk-classifier.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD');
const term = z.union([z.string().trim().min(1), z.number().transform(String)]);
/** A group of a `together` rule: its own words, or "@name" for a concept defined once at the top of the file. */
const group = z.union([z.array(term).min(1), z.string().regex(/^@[a-z0-9-]+$/, 'must be a list of words or "@concept"')]);

/**
 * A reading next to a number, in one sentence: "potassium 6.8", "sugar is 2.1", "meter says HI",
 * "took 30 tablets". `with`: words that must also be in the sentence (e.g. took, swallowed).
 */
const readingSchema = z
  .object({
    measure: z.array(term).min(1),
    atLeast: z.number().optional(),
    below: z.number().optional(),
    /** Words that stand for an out-of-range reading on a meter: HI, LO. */
    words: z.array(term).default([]),
    with: z.array(term).default([]),
  })
  .refine((r) => r.atLeast !== undefined || r.below !== undefined || r.words.length > 0, 'needs atLeast, below or words');

export const redFlagSchema = z.object({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a lower-case slug'),
  pathways: z.array(z.string().min(1)).min(1),
  advice: z.enum(['999', '111']),
  meanwhile: z.string().min(10),
  /** What to do meanwhile when the message is about someone else ("my dad"), where it differs. */
  meanwhileForOthers: z.string().min(10).optional(),
  /** What the co-ordinators see; also the classifier's word for this emergency (its corpus `kind`s). */
  kinds: z.array(z.string().regex(/^[a-z0-9-]+$/)).default([]),
  /** One line for `kb check` and the content team: what this flag is for, in a clinician's words. */
  explain: z.string().min(10).optional(),
  phrases: z.array(z.string().trim().min(3)).default([]),
  /** Names of the condition: they count only when happening now, or when the classifier is not sure it is calm. */
  mentions: z.array(z.string().trim().min(3)).default([]),
  /** Rules of groups of words that must all appear in one sentence, e.g. [[hypo], [not making sense, drowsy]] or [@breathing, @stopped]. */
  together: z.array(z.array(group).min(2)).default([]),
  readings: z.array(readingSchema).default([]),
  /**
   * Seeming well afterwards does not end it ("took 50 paracetamol, feel fine", "used the epipen, back to normal"):
   * only being seen to does (discharged, told it was nothing).
   */
  wellIsNotOver: z.boolean().default(false),
  owner: z.string().min(3),
  clinicalReviewer: z.string().min(3),
  clinicalSignOff: z.enum(['pending', 'signed-off']),
  lastReviewed: isoDate,
  reviewDue: isoDate,
});

const fileSchema = z.object({
  /** Concepts: lay words, SMS words and synonyms for one clinical idea, defined once, used as "@name". */
  concepts: z.record(z.string().regex(/^[a-z0-9-]+$/), z.array(term).min(1)).default({}),
  /** Words of symptoms and risk: a message with any of them never gets a bare "I'm not sure". */
  riskWords: z.array(term).default([]),
  /** Real words one slip from a phrasing word that mean something else: never read as that slip. */
  notTypos: z.array(z.string().trim().regex(/^[a-z]+$/, 'one lower-case word')).default([]),
  flags: z.array(redFlagSchema).min(1),
});

type ParsedFlag = z.infer<typeof redFlagSchema>;
export type Reading = z.infer<typeof readingSchema>;
/** A red flag with its concepts written out: every `together` group is a list of words. */
export type RedFlag = Omit<ParsedFlag, 'together'> & { together: string[][][] };
export interface RedFlagSet {
  flags: RedFlag[];
  riskWords: string[];
  /** The second, statistical detector, trained from the corpus beside the red flags (absent in some tests). */
  classifier?: RiskClassifier;
  /** Words spelled as meant, never read as a typo of a phrasing word (the file's `notTypos`). */
  spelledAsMeant?: ReadonlySet<string>;
}

/** A content file that cannot be served, with where the problem is, for the content team. */
export class KnowledgeFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}: ${problem}`);
    this.name = 'KnowledgeFileError';
  }
}

export async function loadRedFlags(path: string): Promise<RedFlagSet> {
  return parseRedFlags(await readFile(path, 'utf8'), path);
}

/** Parses and validates the red flags file; the first problem is thrown with its line number. */
export function parseRedFlags(text: string, file: string): RedFlagSet {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true });
  const lineOf = (node: Node | null | undefined) => (node?.range ? lineCounter.linePos(node.range[0]).line : 1);
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    throw new KnowledgeFileError(file, error.linePos?.[0].line ?? 1, error.message.split('\n')[0]!);
  }
  const result = fileSchema.safeParse(doc.toJS());
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const node = doc.getIn(issue.path as (string | number)[], true) as Node | undefined;
    const parent = doc.getIn(issue.path.slice(0, -1) as (string | number)[], true) as Node | undefined;
    throw new KnowledgeFileError(file, lineOf(node ?? parent), `${issue.path.join('.')}: ${issue.message}`);
  }
  const seen = new Set<string>();
  const flagsNode = doc.get('flags', true);
  const { concepts, riskWords, notTypos } = result.data;
  const flags = result.data.flags.map((flag, index): RedFlag => {
    const node = isSeq(flagsNode) ? flagsNode.items[index] : undefined;
    const at = lineOf(isMap(node) ? node : undefined);
    if (seen.has(flag.id)) throw new KnowledgeFileError(file, at, `duplicate red flag id "${flag.id}"`);
    seen.add(flag.id);
    if (flag.phrases.length + flag.mentions.length + flag.together.length + flag.readings.length === 0) {
      throw new KnowledgeFileError(file, at, `red flag "${flag.id}" has no phrases, together rules or readings`);
    }
    const together = flag.together.map((rule) =>
      rule.map((g) => {
        if (Array.isArray(g)) return g;
        const words = concepts[g.slice(1)];
        if (!words) throw new KnowledgeFileError(file, at, `red flag "${flag.id}": no concept "${g}" (define it under concepts:)`);
        return words;
      }),
    );
    return { ...flag, together };
  });
  return { flags, riskWords, spelledAsMeant: new Set(notTypos) };
}
