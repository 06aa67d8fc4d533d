import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainRiskClassifier, type RiskClassifier } from '../../src/safety/risk-classifier.js';
import { readScreeningFiles } from '../../src/safety/screening-files.js';
import { markDecimals, normaliseWords } from '../../src/safety/text-normalise.js';
import { freshDataDir } from '../support/database-template.js';
import { KNOWLEDGE_DIR } from '../support/test-bot.js';

let classifier: RiskClassifier;
let corpus: Awaited<ReturnType<typeof readScreeningFiles>>['corpus'];
beforeAll(async () => {
  const files = await readScreeningFiles(KNOWLEDGE_DIR);
  expect(files.problems).toEqual([]);
  classifier = files.classifier!;
  corpus = files.corpus;
});

describe('the risk classifier', () => {
  it('is trained from the corpus in knowledge/screening (at least 3,000 labelled messages)', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(3000);
    expect(classifier.examples).toBe(corpus.length);
  });

  it('scores every message exactly as the library itself would (the precomputed weights change nothing)', () => {
    for (const m of corpus.slice(0, 400)) expect(classifier.score(m.text)).toBeCloseTo(classifier.libraryScore(m.text), 6);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...'my dad chest pain not breathing sugar 2.1 took 30 tablets hello thanks'.split(' ')), { maxLength: 12 }), (words) => {
        const text = words.join(' ');
        const fast = classifier.score(text);
        const slow = classifier.libraryScore(text);
        return (fast === -Infinity && slow === -Infinity) || Math.abs(fast - slow) < 1e-6;
      }),
    );
  });

  it('scores from its feature table exactly as from the features written out, and names the kind as the library does', () => {
    const wordsOf = (text: string) => normaliseWords(markDecimals(text));
    const same = (text: string) => {
      const known = classifier.knownFeatures(wordsOf(text));
      expect(classifier.scoreKnown(known)).toBe(classifier.score(text));
      expect(classifier.kindOfKnown(known)).toBe(classifier.libraryKindOf(text));
    };
    for (const m of corpus.filter((_, i) => i % 10 === 0)) same(m.text);
    const vocabulary = [...new Set(corpus.slice(0, 300).flatMap((m) => wordsOf(m.text)))];
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...vocabulary), fc.constantFrom('not', 'no', 'if', 'never', 'and', '2.1', '6.8', '40', 'zzq')), { maxLength: 40 }), (words) => same(words.join(' '))),
      { numRuns: 300 },
    );
  });

  it('is trained the same way every time (deterministic)', () => {
    const again = trainRiskClassifier(corpus, classifier.settings);
    for (const m of corpus.slice(0, 200)) expect(again.score(m.text)).toBe(classifier.score(m.text));
  });

  it('separates the corpus it learnt from: emergencies score above calm messages on the whole', () => {
    const emergencies = corpus.filter((m) => m.emergency).map((m) => classifier.score(m.text));
    const calm = corpus.filter((m) => !m.emergency).map((m) => classifier.score(m.text));
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(median(emergencies)).toBeGreaterThan(classifier.settings.raiseAt);
    expect(median(calm)).toBeLessThan(classifier.settings.askAt);
  });

  it('turns scores into verdicts at its thresholds', () => {
    const { raiseAt, askAt } = classifier.settings;
    expect(classifier.verdict(raiseAt)).toBe('raise');
    expect(classifier.verdict(askAt)).toBe('ask');
    expect(classifier.verdict(askAt - 0.01)).toBe('calm');
  });
});

describe('the screening files', () => {
  it('refuse a bad corpus line with its file and line, and a corpus without thresholds', async () => {
    const dir = join(await freshDataDir(), 'knowledge');
    await mkdir(join(dir, 'screening/corpus'), { recursive: true });
    await writeFile(join(dir, 'screening/corpus/a.jsonl'), '{"text":"chest pain","emergency":true,"kind":"cardiac"}\n{"text":"x","emergency":"yes"}\nnot json\n');
    const files = await readScreeningFiles(dir);
    expect(files.problems.map((p) => `${p.file}:${p.line}`)).toEqual(['screening/corpus/a.jsonl:2', 'screening/corpus/a.jsonl:3', 'screening/classifier.yaml:1']);
    expect(files.classifier).toBeUndefined();
  });
});
