import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEmergencyScreen } from '../../src/safety/emergency-screen.js';
import { CHOICE_THRESHOLD } from '../../src/knowledge/confidence.js';
import { gateCases, gateFigures, IN_USE } from '../../src/knowledge/gate-calibration.js';
import { KnownPhrases } from '../../src/knowledge/known-phrases.js';
import { choiceSweep, readEvalCases, runCases, summarise, type EvalCase, type EvalFigures, type EvalRow } from '../../src/knowledge/evaluation.js';
import { buildKnowledgeBase, type ArticleKnowledgeBase, type BuildOptions } from '../../src/knowledge/knowledge-base.js';
import { readKnowledgeFiles } from '../../src/knowledge/load-knowledge.js';
import { HighSimilarityEmbeddings } from './high-similarity-embeddings.js';

/**
 * The quality gate on the real content: knowledge/eval/eval.jsonl against knowledge/articles. The floors sit a
 * few points under the figures measured when the threshold was calibrated, so that a content change which
 * makes retrieval clearly worse fails the build, while normal editing does not. Raise them as content improves.
 */
export const FLOORS = {
  cases: 300,
  recallAt1: 0.75,
  recallAt3: 0.9,
  mrr: 0.82,
  /** Answered from the right article, or offered it among the choices (84.0% measured on 2026-12-04; 81.3% before). */
  rightAnsweredOrOffered: 0.8,
  answeredCorrectly: 0.35,
  /** Ceiling: answerable questions answered from the wrong article (the goal on a new set is 3%). */
  answeredWronglyAtMost: 0.03,
  /** Out-of-scope questions declined (84.6% measured on 2026-12-04, with six more example questions an article; 88.5% before). */
  noAnswerAccuracyNonEmergency: 0.81,
  // Every emergency on the set must be caught: a missed one is the worst failure Carepoint can have.
  emergencySensitivity: 1,
  emergencySpecificity: 0.95,
  /** Loose, because vitest runs test files in parallel on shared CPUs; the bench gives the real figures. */
  medianLatencyMsAtMost: 10,
  p99LatencyMsAtMost: 100,
};

const dir = fileURLToPath(new URL('../../knowledge', import.meta.url));
let rows: EvalRow[];
let figures: EvalFigures;
let build: (options?: Partial<BuildOptions>) => Promise<ArticleKnowledgeBase>;
let cases: EvalCase[];

beforeAll(async () => {
  const files = await readKnowledgeFiles(dir);
  expect(files.problems.filter((p) => p.severity === 'error')).toEqual([]);
  // Judge retrieval as of the latest review, so that the test does not start failing on a calendar date;
  // content going out of date is what `kb check` warns about.
  const asOf = files.articles.map((a) => a.lastReviewed).sort().at(-1)!;
  build = (options = {}) => buildKnowledgeBase(files.articles, { clock: { now: () => new Date(`${asOf}T12:00:00Z`) }, ...options });
  const kb = await build();
  const screen = createEmergencyScreen(() => files.redFlags!);
  cases = await readEvalCases(`${dir}/eval/eval.jsonl`);
  await runCases(kb, cases); // warm-up: the first pass measures the JIT compiler, not retrieval
  rows = await runCases(kb, cases, (text) => screen.screen(text).emergency);
  figures = summarise(rows);
});

describe('evaluation set', () => {
  it('is big enough to mean something, and names only articles that exist', async () => {
    const files = await readKnowledgeFiles(dir);
    const ids = new Set(files.articles.map((a) => a.id));
    expect(figures.cases).toBeGreaterThanOrEqual(FLOORS.cases);
    expect(rows.flatMap((r) => r.case.expect).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('finds the right article', () => {
    expect(figures.recallAt1).toBeGreaterThanOrEqual(FLOORS.recallAt1);
    expect(figures.recallAt3).toBeGreaterThanOrEqual(FLOORS.recallAt3);
    expect(figures.mrr).toBeGreaterThanOrEqual(FLOORS.mrr);
  });

  it('answers what is clearly right, offers choices when several fit, declines what it cannot', () => {
    expect(figures.rightAnsweredOrOffered).toBeGreaterThanOrEqual(FLOORS.rightAnsweredOrOffered);
    expect(figures.answeredCorrectly).toBeGreaterThanOrEqual(FLOORS.answeredCorrectly);
    expect(figures.answeredWrongly).toBeLessThanOrEqual(FLOORS.answeredWronglyAtMost);
    expect(figures.noAnswerAccuracyNonEmergency).toBeGreaterThanOrEqual(FLOORS.noAnswerAccuracyNonEmergency);
    // The sweep works from what was retrieved; at the threshold in use it must agree with what was shown.
    const inUse = choiceSweep(rows).find((s) => Math.abs(s.choiceThreshold - CHOICE_THRESHOLD) < 1e-9)!;
    expect(inUse).toMatchObject({ rightAnsweredOrOffered: figures.rightAnsweredOrOffered, noAnswerAccuracy: figures.noAnswerAccuracyNonEmergency });
  });

  it('is replayed by the gate calibration exactly as the knowledge base decided (so its other settings can be trusted)', async () => {
    const replayed = gateFigures(gateCases('eval', rows, new KnownPhrases((await readKnowledgeFiles(dir)).articles)), IN_USE);
    expect(replayed).toEqual({ rightAnsweredOrOffered: figures.rightAnsweredOrOffered, answeredWrongly: figures.answeredWrongly, outOfScopeDeclined: figures.noAnswerAccuracyNonEmergency });
  });

  it('screens emergencies in the set (the lead\u2019s screen, measured here on the same cases)', () => {
    expect(figures.emergencySensitivity).toBeGreaterThanOrEqual(FLOORS.emergencySensitivity);
    expect(figures.emergencySpecificity).toBeGreaterThanOrEqual(FLOORS.emergencySpecificity);
  });

  it('answers quickly', () => {
    expect(figures.latencyMs.median).toBeLessThanOrEqual(FLOORS.medianLatencyMsAtMost);
    expect(figures.latencyMs.p99).toBeLessThanOrEqual(FLOORS.p99LatencyMsAtMost);
  });
});

/**
 * The set written blind in 2026-12, measured before this gate and tuned on since (no longer blind): held above
 * floors a few points under the figures measured, as eval.jsonl is.
 */
// Lowered on 2026-12-02 (0.80 before) when the gate's settings were chosen again with knowledge-blind-2026-12-02b among
// the tuning sets, and on 2026-12-03 (out of scope 0.87 before; 85.2% measured) when the articles gained eight
// example questions each and the choice threshold went from 0.75 to 0.79 (README, "Measured").
// On 2026-12-04 each article gained six example questions (carers' stories, second language, voice-to-text, SMS,
// formal letters) and the choice threshold went to 0.80: right answered or offered rose on every set, out of scope
// declined fell on some (figures beside each; README, "Measured").
export const BLIND_2026_12_FLOORS = { rightAnsweredOrOffered: 0.85, answeredWronglyAtMost: 0.03, noAnswerAccuracyNonEmergency: 0.82 };

// Sets written blind and measured before they were used (README, "Measured"); held above floors once published,
// a few points under what the gate of 2026-12-03 gives them.
const PUBLISHED_BLIND_SETS = [
  { file: 'knowledge-blind-2026-12.jsonl', floors: BLIND_2026_12_FLOORS },
  // 87.6% / 1.1% / 89.2%
  { file: 'knowledge-blind-2026-12-02.jsonl', floors: { rightAnsweredOrOffered: 0.84, answeredWronglyAtMost: 0.03, noAnswerAccuracyNonEmergency: 0.86 } },
  // 86.7% / 0.0% / 88.7%
  { file: 'knowledge-blind-2026-12-02b.jsonl', floors: { rightAnsweredOrOffered: 0.83, answeredWronglyAtMost: 0.03, noAnswerAccuracyNonEmergency: 0.85 } },
  // 75.8% / 0.0% / 80.7% (86.0% declined before)
  { file: 'knowledge-blind-2026-12-02-final.jsonl', floors: { rightAnsweredOrOffered: 0.72, answeredWronglyAtMost: 0.03, noAnswerAccuracyNonEmergency: 0.77 } },
  // 86.5% / 0.0% / 86.7% (91.1% declined before)
  { file: 'knowledge-blind-2026-12-03-g1.jsonl', floors: { rightAnsweredOrOffered: 0.83, answeredWronglyAtMost: 0.03, noAnswerAccuracyNonEmergency: 0.83 } },
  // Held out until the gate was finished and measured once (88.0%, 0.0%, 97.8%); never tuned on.
  { file: 'knowledge-heldout-2026-12-03-g2.jsonl', floors: { rightAnsweredOrOffered: 0.86, answeredWronglyAtMost: 0.03, noAnswerAccuracyNonEmergency: 0.93 } },
  // Measured once on 289e75e (G3), 00e82d6 (G4, the holdout) and 03d16e1 (G5), then tuned on; floors under what the
  // gate of 2026-12-04 gives them (G3 78.9%, 1.1%, 91.1%; G4 81.1%, 1.1%, 100%; G5 88.8%, 0.0%, 84.0%).
  { file: 'knowledge-blind-2026-12-03-g3.jsonl', floors: { rightAnsweredOrOffered: 0.76, answeredWronglyAtMost: 0.03, noAnswerAccuracyNonEmergency: 0.88 } },
  { file: 'knowledge-blind-2026-12-03-g4.jsonl', floors: { rightAnsweredOrOffered: 0.78, answeredWronglyAtMost: 0.03, noAnswerAccuracyNonEmergency: 0.95 } },
  { file: 'knowledge-blind-2026-12-04-g5.jsonl', floors: { rightAnsweredOrOffered: 0.85, answeredWronglyAtMost: 0.03, noAnswerAccuracyNonEmergency: 0.8 } },
  // The holdout of 2026-12-04, measured once at the end (82.9%, 0.0%, 84.0%).
  { file: 'knowledge-blind-2026-12-04-g6.jsonl', floors: { rightAnsweredOrOffered: 0.79, answeredWronglyAtMost: 0.03, noAnswerAccuracyNonEmergency: 0.8 } },
  // Measured once after the holdout, on e668e9e (90.9%, 0.0%, 88.9%).
  { file: 'knowledge-blind-2026-12-04-g7.jsonl', floors: { rightAnsweredOrOffered: 0.87, answeredWronglyAtMost: 0.03, noAnswerAccuracyNonEmergency: 0.84 } },
];

describe.each(PUBLISHED_BLIND_SETS)('$file (published since it was measured)', ({ file, floors }) => {
  it('answers or offers the right article, rarely answers from a wrong one, and declines what is out of scope', async () => {
    const blind = summarise(await runCases(await build(), await readEvalCases(`${dir}/eval/${file}`)));
    expect(blind.rightAnsweredOrOffered).toBeGreaterThanOrEqual(floors.rightAnsweredOrOffered);
    expect(blind.answeredWrongly).toBeLessThanOrEqual(floors.answeredWronglyAtMost);
    expect(blind.noAnswerAccuracyNonEmergency).toBeGreaterThanOrEqual(floors.noAnswerAccuracyNonEmergency);
  });
});

describe('evaluation set, with an embeddings model whose similarities are not calibrated', () => {
  it('declines what it cannot answer and answers from the wrong article no more often than lexical alone allows', async () => {
    // Every pair of texts scores 0.8 or more, as with e5/bge-type models: the vectors may reorder, never decide.
    const fused = summarise(await runCases(await build({ embeddings: new HighSimilarityEmbeddings() }), cases));
    expect(fused.noAnswerAccuracyNonEmergency).toBeGreaterThanOrEqual(FLOORS.noAnswerAccuracyNonEmergency);
    expect(fused.answeredWrongly).toBeLessThanOrEqual(FLOORS.answeredWronglyAtMost);
  });
});
