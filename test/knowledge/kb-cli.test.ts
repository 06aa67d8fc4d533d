import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.js';
import { ukDate } from '../../src/knowledge/knowledge-base.js';
import { addGapCounts, questionDigest } from '../../src/knowledge/knowledge-gaps.js';
import { freshDataDir } from '../support/database-template.js';
import { makeKnowledgeDir, writeArticle, ARTICLES } from './fixtures.js';

const root = join(import.meta.dirname, '../..');
function kb(args: string[], input?: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/tools/kb.ts'), ...args], { input, encoding: 'utf8', cwd: root, env: { ...process.env, ...env } });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('npm run kb', () => {
  it('ask --json reads questions from stdin and writes one JSON line each', async () => {
    const dir = await makeKnowledgeDir();
    const questions = Array.from({ length: 50 }, (_, i) => (i % 2 ? 'how do i clean my spacer' : 'recipe for lasagne'));
    const { code, out } = kb(['ask', '--json', '--dir', dir], questions.join('\n'));
    expect(code).toBe(0);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(50);
    expect(lines[1]).toMatchObject({ question: 'how do i clean my spacer', outcome: 'answered', answered: true, articles: [{ id: 'asthma-inhalers', title: 'Using your asthma inhaler and spacer' }], answer: { chat: expect.any(String), sms: expect.any(String) } });
    expect(lines[0]).toMatchObject({ outcome: 'declined', answered: false, articles: [], answer: { sms: expect.stringContaining('talk to someone') } });
  }, 30_000);

  it('ask --json says which of the three outcomes, and "articles" holds the choices offered', async () => {
    const dir = await makeKnowledgeDir();
    const { code, out } = kb(['ask', '--json', '--dir', dir, 'my appointment and my repeat prescription']);
    expect(code).toBe(0);
    const line = JSON.parse(out) as { outcome: string; answered: boolean; articles: { id: string }[]; retrieved: { id: string }[]; answer: { sms: string } };
    expect(line).toMatchObject({ outcome: 'choices', answered: false, answer: { sms: expect.stringMatching(/1\. Ordering your repeat prescriptions\n2\. Changing or cancelling a hospital appointment\n3\. None of these: talk to someone/) } });
    // A question on two subjects: both articles offered, best first.
    expect(line.articles.map((a) => a.id)).toEqual(['general-repeat-prescriptions', 'general-appointments']);
    expect(line.retrieved.length).toBeGreaterThanOrEqual(line.articles.length);
  }, 30_000);

  it('check exits 1 and prints file:line for an error', async () => {
    const dir = await makeKnowledgeDir();
    await writeArticle(dir, { ...ARTICLES[0]!, related: ['general-nowhere'] });
    const { code, out } = kb(['check', '--dir', dir]);
    expect(code).toBe(1);
    expect(out).toMatch(/general-repeat-prescriptions\.md:\d+: error: related: no article has id "general-nowhere"/);
  }, 30_000);

  it('eval --json prints the figures, the threshold and the sweep', async () => {
    const dir = await makeKnowledgeDir();
    const file = join(dir, 'cases.jsonl');
    await writeFile(file, [
      { q: 'how do i clean my spacer', expect: ['asthma-inhalers'] },
      { q: 'cancel my appointment', expect: ['general-appointments'] },
      { q: 'recipe for lasagne', expect: [] },
      { q: 'crushing chest pain right now', expect: [], emergency: true },
      { q: 'no chest pain, just asking about inhalers', expect: ['asthma-inhalers'], emergency: false },
    ].map((c) => JSON.stringify(c)).join('\n'));
    const { code, out } = kb(['eval', file, '--json', '--dir', dir]);
    expect(code).toBe(0);
    const report = JSON.parse(out) as Record<string, unknown>;
    expect(report).toMatchObject({ cases: 5, recallAt1: 1, noAnswerAccuracy: 1, emergencySensitivity: 1, emergencySpecificity: 1, threshold: expect.any(Number) });
    expect(report.sweep).toContainEqual(expect.objectContaining({ threshold: 0.5, recallAt1: expect.any(Number), noAnswerAccuracy: expect.any(Number) }));
    expect(report).toMatchObject({ choiceThreshold: expect.any(Number), rightAnsweredOrOffered: expect.any(Number) });
    expect(report.choiceSweep).toContainEqual(expect.objectContaining({ choiceThreshold: 0.5, rightAnsweredOrOffered: expect.any(Number), noAnswerAccuracy: expect.any(Number) }));
  }, 30_000);

  it('calibrate-gate --json replays the gate on the sets and the held-out example questions, cross-validated', async () => {
    const dir = await makeKnowledgeDir();
    const file = join(dir, 'cases.jsonl');
    await writeFile(file, [
      { q: 'how do i clean my spacer', expect: ['asthma-inhalers'] },
      { q: 'hospital appointment for blood pressure', expect: ['general-appointments', 'kidney-blood-pressure'] },
      { q: 'recipe for lasagne', expect: [] },
      { q: 'crushing chest pain right now', expect: [], emergency: true },
    ].map((c) => JSON.stringify(c)).join('\n'));
    const { code, out } = kb(['calibrate-gate', file, '--examples', '--json', '--dir', dir]);
    expect(code).toBe(0);
    const report = JSON.parse(out) as Record<string, Record<string, unknown>>;
    expect(report.inUse!.cases).toMatchObject({ rightAnsweredOrOffered: 1, answeredWrongly: 0, outOfScopeDeclined: 1 });
    expect(report.inUse!.examples).toMatchObject({ rightAnsweredOrOffered: expect.any(Number) });
    expect(report.crossValidated).toMatchObject({ rightAnsweredOrOffered: expect.any(Number), outOfScopeDeclined: expect.any(Number), folds: 30 });
    expect(report.chosenOnAll).toMatchObject({ phraseBonus: expect.any(Number), choiceThreshold: expect.any(Number) });
  }, 30_000);

  it('gaps lists the questions most often declined or offered choices, named from the evaluation sets, with counts', async () => {
    const dir = await makeKnowledgeDir();
    await mkdir(join(dir, 'eval'), { recursive: true });
    await writeFile(join(dir, 'eval', 'cases.jsonl'), [
      { q: 'can i get a blue badge', expect: [] },
      { q: 'recipe for lasagne', expect: [] },
    ].map((c) => JSON.stringify(c)).join('\n'));
    const dataDir = await freshDataDir();
    const db = await openDatabase({ dataDir });
    const day = ukDate(new Date());
    await addGapCounts(db, [
      { day, digest: questionDigest('Can I get a Blue Badge?'), outcome: 'declined', asked: 3 },
      { day, digest: questionDigest('Can I get a Blue Badge?'), outcome: 'choices', asked: 1 },
      { day, digest: questionDigest('something no set has'), outcome: 'choices', asked: 2 },
    ]);
    await db.close();
    const { code, out, err } = kb(['gaps', '--dir', dir, '--json'], undefined, { DATA_DIR: dataDir, DATABASE_URL: '' });
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({
      questions: 2, times: 6,
      named: [{ question: 'can i get a blue badge', expect: [], file: 'eval/cases.jsonl', choices: 1, declined: 3 }],
      unnamed: { questions: 1, times: 2 },
    });
    const text = kb(['gaps', '--dir', dir], undefined, { DATA_DIR: dataDir, DATABASE_URL: '' }).out;
    expect(text).toMatch(/\s4\s+1\s+3\s+"can i get a blue badge" \(eval\/cases\.jsonl\)\s+-> no article covers it/);
  }, 120_000); // two runs of the tool, each opening the embedded database
});
