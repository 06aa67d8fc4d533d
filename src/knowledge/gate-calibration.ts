import type { Clock } from '../clock.js';
import type { Article } from './article.js';
import { withoutCourtesies } from './courtesies.js';
import { ANSWER_THRESHOLD, CHOICE_THRESHOLD, MAX_PHRASES, PHRASE_BONUS } from './confidence.js';
import { runCases, type EvalRow } from './evaluation.js';
import { buildKnowledgeBase, nearBest } from './knowledge-base.js';
import { KnownPhrases } from './known-phrases.js';

/**
 * How the gate's two settings (the phrase bonus and the choice threshold) were chosen: each case as the gate saw
 * it, what any other setting would have done with it, and cross-validation, so that the settings are judged on
 * cases they were not chosen on. The answer threshold stays fixed: it is about wrong answers, not scope.
 */

/** One case as the gate saw it. Emergencies that should be declined are left out: the screen answers them first. */
export interface GateCase {
  set: string;
  expect: string[];
  confidence: number;
  phrases: number;
  /** The best article, if it can be served (found and in date). */
  top?: string;
  /** What choices would offer. */
  near: string[];
  personal: boolean;
}

export interface GateSetting {
  phraseBonus: number;
  choiceThreshold: number;
}

export interface GateFigures {
  rightAnsweredOrOffered: number;
  answeredWrongly: number;
  outOfScopeDeclined: number;
}

export const IN_USE: GateSetting = { phraseBonus: PHRASE_BONUS, choiceThreshold: CHOICE_THRESHOLD };

/** The share of out-of-scope questions to keep declined when choosing: the goal (90%) less a margin for noise. */
export const DECLINE_TARGET = 0.88;

export function gateCases(set: string, rows: EvalRow[], phrases: KnownPhrases): GateCase[] {
  return rows
    .filter((r) => r.case.expect.length > 0 || !r.case.emergency)
    .map((r) => {
      const servable = r.answer.articles.length > 0 && r.answer.declined !== 'expired';
      return {
        set,
        expect: r.case.expect,
        confidence: r.answer.confidence ?? 0,
        // As the gate counts them: on the question without its courtesies.
        phrases: phrases.count(withoutCourtesies(r.case.q)),
        ...(servable ? { top: r.answer.articles[0]!.id } : {}),
        near: servable ? nearBest(r.answer.articles).map((m) => m.id) : [],
        personal: r.answer.declined === 'personal-decision',
      };
    });
}

/** What the gate would do with each case at this setting, in the figures of `kb eval`. */
export function gateFigures(cases: GateCase[], s: GateSetting, answerThreshold = ANSWER_THRESHOLD): GateFigures {
  let answerable = 0, right = 0, wrong = 0, outOfScope = 0, declined = 0;
  for (const c of cases) {
    const answered = c.top !== undefined && c.confidence >= answerThreshold;
    const offered = !answered && c.top !== undefined && !c.personal && c.confidence + s.phraseBonus * Math.min(MAX_PHRASES, c.phrases) >= s.choiceThreshold - 1e-9;
    if (c.expect.length > 0) {
      answerable++;
      if (answered && c.expect.includes(c.top!)) right++;
      else if (answered) wrong++;
      else if (offered && c.near.some((id) => c.expect.includes(id))) right++;
    } else {
      outOfScope++;
      if (!answered && !offered) declined++;
    }
  }
  return { rightAnsweredOrOffered: ratio(right, answerable), answeredWrongly: ratio(wrong, answerable), outOfScopeDeclined: ratio(declined, outOfScope) };
}

/** Every setting tried: phrase bonuses, and choice thresholds from 0.30 to 1.20 by 0.01. */
export function settingsGrid(): GateSetting[] {
  const grid: GateSetting[] = [];
  for (const phraseBonus of [0, 0.05, 0.1, 0.15]) for (let t = 30; t <= 120; t++) grid.push({ phraseBonus, choiceThreshold: t / 100 });
  return grid;
}

/** The setting that answers or offers the right article most often while declining at least `target` out of scope. */
export function chooseSetting(cases: GateCase[], target = DECLINE_TARGET, grid = settingsGrid()): GateSetting {
  let best: { s: GateSetting; f: GateFigures } | undefined;
  for (const s of grid) {
    const f = gateFigures(cases, s);
    if (f.outOfScopeDeclined < target) continue;
    if (!best || f.rightAnsweredOrOffered > best.f.rightAnsweredOrOffered) best = { s, f };
  }
  return best?.s ?? grid.at(-1)!;
}

/**
 * Repeated stratified k-fold: the setting is chosen on k-1 folds and measured on the one left out; the mean over
 * every fold left out is the estimate for questions not yet seen. Deterministic (a fixed seed per repeat).
 */
export function crossValidate(cases: GateCase[], folds = 5, repeats = 6, target = DECLINE_TARGET): GateFigures & { folds: number } {
  const measured: GateFigures[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    const random = seeded(repeat + 1);
    const shuffled = [...cases].map((c) => ({ c, key: random() })).sort((a, b) => Number(a.c.expect.length > 0) - Number(b.c.expect.length > 0) || a.key - b.key).map((x) => x.c);
    for (let k = 0; k < folds; k++) {
      const test = shuffled.filter((_, i) => i % folds === k);
      const train = shuffled.filter((_, i) => i % folds !== k);
      measured.push(gateFigures(test, chooseSetting(train, target)));
    }
  }
  const mean = (pick: (f: GateFigures) => number) => ratio(measured.reduce((s, f) => s + pick(f), 0), measured.length);
  return { rightAnsweredOrOffered: mean((f) => f.rightAnsweredOrOffered), answeredWrongly: mean((f) => f.answeredWrongly), outOfScopeDeclined: mean((f) => f.outOfScopeDeclined), folds: measured.length };
}

/**
 * The articles' example questions, each asked of an index built without its fold of them (question i of every
 * article in fold i mod `folds`): answerable cases worded by the writers, never seen by the index answering.
 */
export async function heldOutExampleCases(articles: readonly Article[], clock: Clock, folds = 5): Promise<GateCase[]> {
  const cases: GateCase[] = [];
  for (let k = 0; k < folds; k++) {
    const held = articles.map((a) => ({ ...a, questions: a.questions.filter((_, i) => i % folds !== k) }));
    const kb = await buildKnowledgeBase(held, { clock, answerCacheSize: 0 });
    const asked = articles.flatMap((a) => a.questions.filter((_, i) => i % folds === k).map((q, i) => ({ q, expect: [a.id], line: i + 1 })));
    cases.push(...gateCases('examples', await runCases(kb, asked), new KnownPhrases(held)));
  }
  return cases;
}

function ratio(n: number, of: number): number {
  return of > 0 ? Math.round((n / of) * 1000) / 1000 : 0;
}

/** mulberry32: a small deterministic generator, so that the folds are the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
