import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { checkKnowledge } from '../../src/knowledge/knowledge-check.js';
import { ARTICLES, makeKnowledgeDir, writeArticle } from './fixtures.js';

const clock = new ManualClock(new Date('2027-01-10T12:00:00Z'));

describe('kb check', () => {
  it('finds nothing wrong with good content', async () => {
    const result = await checkKnowledge(await makeKnowledgeDir(), clock);
    expect(result).toMatchObject({ articles: ARTICLES.length, redFlags: 1, problems: [] });
  });

  it('reports duplicate ids and broken links as errors, at their lines', async () => {
    const dir = await makeKnowledgeDir();
    await writeArticle(dir, { ...ARTICLES[1]!, pathway: 'kidney' }); // same id, second folder
    await writeArticle(dir, { ...ARTICLES[0]!, related: ['general-appointments', 'general-gone'], redFlags: ['no-such-flag'] });
    const { problems } = await checkKnowledge(dir, clock);
    const text = await readFile(join(dir, 'articles/general/general-repeat-prescriptions.md'), 'utf8');
    const line = (needle: string) => text.split('\n').findIndex((l) => l.startsWith(needle)) + 1;
    expect(problems.filter((p) => p.severity === 'error')).toEqual([
      expect.objectContaining({ file: 'articles/general/general-repeat-prescriptions.md', line: line('related:'), message: expect.stringContaining('"general-gone"') }),
      expect.objectContaining({ file: 'articles/general/general-repeat-prescriptions.md', line: line('redFlags:'), message: expect.stringContaining('"no-such-flag"') }),
      expect.objectContaining({ file: 'articles/kidney/general-appointments.md', line: 2, message: expect.stringContaining('duplicate id "general-appointments"') }),
    ]);
  });

  it('reports every broken file with its line, and the red flags file through its own loader', async () => {
    const dir = await makeKnowledgeDir();
    const path = join(dir, 'articles/asthma/asthma-inhalers.md');
    await writeFile(path, (await readFile(path, 'utf8')).replace('lastReviewed: 2026-11-20', 'lastReviewed: yesterday'));
    await writeFile(join(dir, 'red-flags.yaml'), (await readFile(join(dir, 'red-flags.yaml'), 'utf8')).replace("advice: '999'", 'advice: soon'));
    const { problems } = await checkKnowledge(dir, clock);
    expect(problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ file: 'articles/asthma/asthma-inhalers.md', severity: 'error', message: expect.stringContaining('lastReviewed') }),
      expect.objectContaining({ file: 'red-flags.yaml', line: 4, severity: 'error' }),
    ]));
  });

  it('warns about articles due for review within 6 weeks, and those past due', async () => {
    const dir = await makeKnowledgeDir([{ ...ARTICLES[0]!, reviewDue: '2027-02-15' }, { ...ARTICLES[1]!, reviewDue: '2027-01-09' }, ARTICLES[2]!, ARTICLES[3]!]);
    const { problems } = await checkKnowledge(dir, clock);
    expect(problems).toEqual(expect.arrayContaining([
      expect.objectContaining({ file: 'articles/general/general-repeat-prescriptions.md', severity: 'warning', message: expect.stringContaining('review due 2027-02-15') }),
      expect.objectContaining({ file: 'articles/general/general-appointments.md', severity: 'warning', message: expect.stringContaining('not served') }),
    ]));
    expect(problems.every((p) => p.severity === 'warning')).toBe(true);
  });

  it('warns when an example question retrieves a different article', async () => {
    const dir = await makeKnowledgeDir([{ ...ARTICLES[0]!, questions: [...ARTICLES[0]!.questions, 'how do i cancel my hospital appointment'] }, ...ARTICLES.slice(1)]);
    const { problems } = await checkKnowledge(dir, clock);
    expect(problems).toEqual([
      expect.objectContaining({ severity: 'warning', message: 'question "how do i cancel my hospital appointment" retrieves general-appointments first, not this article' }),
    ]);
  });
});
