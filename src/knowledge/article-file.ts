import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { frontMatterSchema, splitSections, type Article } from './article.js';

/** Something wrong in a content file, with where it is (1-based line) for the content team. */
export interface Problem {
  file: string;
  line: number;
  message: string;
  severity: 'error' | 'warning';
}

export type ParsedArticle = { ok: true; article: Article } | { ok: false; problems: Problem[] };

/**
 * Parses one article file: front matter between `---` lines, then a Markdown body. Reports every problem
 * in the file (not just the first) so that a writer can fix them in one pass.
 */
export function parseArticle(text: string, file: string): ParsedArticle {
  const error = (line: number, message: string): Problem => ({ file, line, message, severity: 'error' });
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== '---') return { ok: false, problems: [error(1, 'must start with a "---" line (YAML front matter)')] };
  const close = lines.findIndex((line, i) => i > 0 && line.trim() === '---');
  if (close < 0) return { ok: false, problems: [error(1, 'front matter has no closing "---" line')] };

  const lineCounter = new LineCounter();
  const doc = parseDocument(lines.slice(1, close).join('\n'), { lineCounter });
  // Front matter starts on line 2 of the file.
  const lineOf = (node: Node | null | undefined) => (node?.range ? lineCounter.linePos(node.range[0]).line + 1 : 1);
  if (doc.errors.length > 0) {
    return { ok: false, problems: doc.errors.map((e) => error((e.linePos?.[0].line ?? 0) + 1, e.message.split('\n')[0]!)) };
  }
  const body = lines.slice(close + 1).join('\n').trim();
  const problems: Problem[] = [];
  if (!isMap(doc.contents)) problems.push(error(2, 'front matter must be a set of "key: value" lines'));
  const result = frontMatterSchema.safeParse(doc.toJS() ?? {});
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      const where = path.length ? `${path.join('.')}: ` : '';
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) problems.push(error(lineOfKey(doc, key, lineOf), `unknown field "${key}" (a typo?)`));
      } else {
        problems.push(error(lineOfPath(doc, path, lineOf), `${where}${issue.message}`));
      }
    }
  }
  if (!body) problems.push(error(close + 1, 'the article has no body after the front matter'));
  if (problems.length > 0 || !result.success) return { ok: false, problems };

  const fm = result.data;
  return {
    ok: true,
    article: {
      ...fm,
      body,
      sections: splitSections(body),
      file,
      lines: {
        id: lineOfPath(doc, ['id'], lineOf),
        related: lineOfPath(doc, ['related'], lineOf),
        redFlags: lineOfPath(doc, ['redFlags'], lineOf),
        reviewDue: lineOfPath(doc, ['reviewDue'], lineOf),
        questions: fm.questions.map((_, i) => lineOfPath(doc, ['questions', i], lineOf)),
      },
    },
  };
}

/** The line of the deepest node on the path that exists (a missing field points at its parent). */
function lineOfPath(doc: Document, path: (string | number)[], lineOf: (n: Node | undefined) => number): number {
  for (let depth = path.length; depth > 0; depth--) {
    const node = doc.getIn(path.slice(0, depth), true) as Node | undefined;
    if (node && (isScalar(node) || node.range)) return lineOf(node);
  }
  return lineOf(doc.contents ?? undefined);
}

function lineOfKey(doc: Document, key: string, lineOf: (n: Node | undefined) => number): number {
  if (!isMap(doc.contents)) return 1;
  const pair = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === key);
  return lineOf(pair?.key as Node | undefined);
}
