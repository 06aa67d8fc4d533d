import { isMap } from 'yaml';
import { frontMatterSchema, splitSections, type Article } from './article.js';
import { readYaml, schemaProblems, type Problem } from './yaml-lines.js';

export type { Problem } from './yaml-lines.js';

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

  // Front matter starts on line 2 of the file.
  const read = readYaml(lines.slice(1, close).join('\n'), file, 2);
  if (!read.ok) return read;
  const { yaml } = read;
  const body = lines.slice(close + 1).join('\n').trim();
  const problems: Problem[] = [];
  if (!isMap(yaml.doc.contents)) problems.push(error(2, 'front matter must be a set of "key: value" lines'));
  const result = frontMatterSchema.safeParse(yaml.doc.toJS() ?? {});
  if (!result.success) problems.push(...schemaProblems(yaml, result.error, file));
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
        id: yaml.lineOfPath(['id']),
        related: yaml.lineOfPath(['related']),
        redFlags: yaml.lineOfPath(['redFlags']),
        reviewDue: yaml.lineOfPath(['reviewDue']),
        questions: fm.questions.map((_, i) => yaml.lineOfPath(['questions', i])),
      },
    },
  };
}
