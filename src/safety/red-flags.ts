import { readFile } from 'node:fs/promises';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { z } from 'zod';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD');

export const redFlagSchema = z.object({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a lower-case slug'),
  pathways: z.array(z.string().min(1)).min(1),
  advice: z.enum(['999', '111']),
  meanwhile: z.string().min(10),
  phrases: z.array(z.string().trim().min(3)).min(1),
  /** Rules of word groups that must all appear in one sentence, e.g. [[hypo], [not making sense, drowsy]]. */
  together: z.array(z.array(z.array(z.union([z.string().trim().min(1), z.number().transform(String)])).min(1)).min(2)).default([]),
  owner: z.string().min(3),
  clinicalReviewer: z.string().min(3),
  clinicalSignOff: z.enum(['pending', 'signed-off']),
  lastReviewed: isoDate,
  reviewDue: isoDate,
});

const fileSchema = z.object({ flags: z.array(redFlagSchema).min(1) });

export type RedFlag = z.infer<typeof redFlagSchema>;
export interface RedFlagSet {
  flags: RedFlag[];
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
  result.data.flags.forEach((flag, index) => {
    if (seen.has(flag.id)) {
      const node = isSeq(flagsNode) ? flagsNode.items[index] : undefined;
      throw new KnowledgeFileError(file, lineOf(isMap(node) ? node : undefined), `duplicate red flag id "${flag.id}"`);
    }
    seen.add(flag.id);
  });
  return { flags: result.data.flags };
}
