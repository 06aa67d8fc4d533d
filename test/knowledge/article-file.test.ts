import { describe, expect, it } from 'vitest';
import { parseArticle } from '../../src/knowledge/article-file.js';
import { ARTICLES, articleMarkdown } from './fixtures.js';

const good = articleMarkdown(ARTICLES[0]!);
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('parseArticle', () => {
  it('reads front matter, body and sections', () => {
    const parsed = parseArticle(good, 'articles/general/general-repeat-prescriptions.md');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.article.id).toBe('general-repeat-prescriptions');
    expect(parsed.article.sections.map((s) => s.heading)).toEqual(['Ways to order', 'How long it takes', 'When to get help']);
    expect(parsed.article.lines.questions[1]).toBe(lineOf(good, 'how do i get more of my medicines'));
  });

  it('points at the line of a bad date', () => {
    const text = good.replace('reviewDue: 2027-05-20', 'reviewDue: 20/05/2027');
    const parsed = parseArticle(text, 'a.md');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toContainEqual(expect.objectContaining({ file: 'a.md', line: lineOf(text, 'reviewDue:'), message: expect.stringContaining('YYYY-MM-DD') }));
  });

  it('reports every problem in the file, not just the first', () => {
    const text = good.replace('audience: both', 'audience: everyone').replace('pathways: [general]', 'pathways: [gneral]');
    const parsed = parseArticle(text, 'a.md');
    if (parsed.ok) throw new Error('expected problems');
    expect(parsed.problems.map((p) => p.line).sort()).toEqual([lineOf(text, 'audience:'), lineOf(text, 'gneral')].sort());
  });

  it('names an unknown field at its own line (usually a typo)', () => {
    const text = good.replace('related:', 'relatd:');
    const parsed = parseArticle(text, 'a.md');
    if (parsed.ok) throw new Error('expected problems');
    expect(parsed.problems).toEqual([expect.objectContaining({ line: lineOf(text, 'relatd:'), message: 'unknown field "relatd" (a typo?)' })]);
  });

  it('reports a missing required field', () => {
    const text = good.replace(/^owner:.*\n/m, '');
    const parsed = parseArticle(text, 'a.md');
    if (parsed.ok) throw new Error('expected problems');
    expect(parsed.problems[0]!.message).toMatch(/^owner: /);
  });

  it('wants at least 4 example questions and a summary that fits one SMS', () => {
    const text = articleMarkdown({ ...ARTICLES[0]!, questions: ['one question', 'two question'], summary: 'x'.repeat(320) });
    const parsed = parseArticle(text, 'a.md');
    if (parsed.ok) throw new Error('expected problems');
    const messages = parsed.problems.map((p) => p.message).join('\n');
    expect(messages).toContain('at least 4 example questions');
    expect(messages).toContain('under 300 characters');
  });

  it('gives the file line of a YAML syntax error', () => {
    const text = good.replace('audience: both', 'audience: [both');
    const parsed = parseArticle(text, 'a.md');
    if (parsed.ok) throw new Error('expected problems');
    expect(parsed.problems[0]!.line).toBeGreaterThanOrEqual(lineOf(text, 'audience:'));
  });

  it('rejects a file without front matter or without a body', () => {
    expect(parseArticle('# Just a heading\n', 'a.md')).toMatchObject({ ok: false, problems: [{ line: 1 }] });
    const noBody = good.slice(0, good.lastIndexOf('---') + 3);
    expect(parseArticle(noBody, 'a.md')).toMatchObject({ ok: false, problems: [{ message: expect.stringContaining('no body') }] });
  });

  it('rejects a review date before the last review, and a date that does not exist', () => {
    const early = parseArticle(good.replace('reviewDue: 2027-05-20', 'reviewDue: 2026-01-01'), 'a.md');
    expect(early).toMatchObject({ ok: false, problems: [{ message: 'reviewDue: must be after lastReviewed' }] });
    const impossible = parseArticle(good.replace('reviewDue: 2027-05-20', 'reviewDue: 2027-02-30'), 'a.md');
    expect(impossible).toMatchObject({ ok: false, problems: [{ message: 'reviewDue: is not a real date' }] });
  });

  it('takes a numeric tag such as 111 as text', () => {
    const parsed = parseArticle(good.replace("tags: [prescriptions, medicines, pharmacy]", 'tags: [prescriptions, 111]'), 'a.md');
    expect(parsed.ok && parsed.article.tags).toEqual(['prescriptions', '111']);
  });
});
