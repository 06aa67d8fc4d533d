import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { KnowledgeFileError } from '../safety/red-flags.js';
import { ANSWER_THRESHOLD, CHOICE_THRESHOLD } from './confidence.js';
import { nearBest } from './knowledge-base.js';
import type { KnowledgeAnswer, KnowledgeBase } from './types.js';

export const evalCaseSchema = z.strictObject({
  q: z.string().trim().min(1),
  expect: z.array(z.string().min(1)),
  emergency: z.boolean().optional(),
});
export type EvalCase = z.infer<typeof evalCaseSchema> & { line: number };

/** Reads JSON Lines; blank lines are skipped, a bad line throws with its line number. */
export async function readEvalCases(file: string): Promise<EvalCase[]> {
  return parseEvalCases(await readFile(file, 'utf8'), file);
}

export function parseEvalCases(text: string, file: string): EvalCase[] {
  return parseJsonLines(text, file, evalCaseSchema);
}

/** JSON Lines checked against a schema, each with its line number; a bad line throws with file and line. */
export function parseJsonLines<T extends z.ZodType>(text: string, file: string, schema: T): (z.infer<T> & { line: number })[] {
  const cases: (z.infer<T> & { line: number })[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw new KnowledgeFileError(file, i + 1, 'not valid JSON');
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new KnowledgeFileError(file, i + 1, `${issue.path.join('.') || 'case'}: ${issue.message}`);
    }
    cases.push({ ...(parsed.data as object), line: i + 1 } as z.infer<T> & { line: number });
  });
  return cases;
}

export interface EvalRow {
  case: EvalCase;
  answer: KnowledgeAnswer;
  ms: number;
  /** What the emergency screen said (a case without `emergency` is a question, which it should leave alone). */
  screenedEmergency?: boolean;
}

export async function runCases(kb: KnowledgeBase, cases: EvalCase[], screen?: (text: string) => boolean): Promise<EvalRow[]> {
  const rows: EvalRow[] = [];
  for (const c of cases) {
    const start = performance.now();
    const answer = await kb.answer(c.q);
    const ms = performance.now() - start;
    const row: EvalRow = { case: c, answer, ms };
    if (screen) row.screenedEmergency = screen(c.q);
    rows.push(row);
  }
  return rows;
}

export interface EvalFigures {
  cases: number;
  answerable: number;
  unanswerable: number;
  recallAt1: number;
  recallAt3: number;
  mrr: number;
  /** Answerable cases answered from an expected article. */
  answeredCorrectly: number;
  /** Answerable cases answered from an article not expected. */
  answeredWrongly: number;
  /** Answerable cases offered choices. */
  offeredChoices: number;
  /** Answerable cases answered from an expected article, or offered choices that include one. */
  rightAnsweredOrOffered: number;
  /** Share of answerable cases declined. */
  wronglyDeclined: number;
  /** Share of should-decline cases declined (choices offered are not a decline). */
  noAnswerAccuracy: number;
  /**
   * The same, leaving out emergencies: the emergency screen answers those before retrieval is asked, and
   * a message like "lips going blue" rightly matches the asthma attack article.
   */
  noAnswerAccuracyNonEmergency: number;
  emergencyCases: number;
  emergencySensitivity: number | null;
  emergencySpecificity: number | null;
  latencyMs: { median: number; p99: number };
}

export function summarise(rows: EvalRow[]): EvalFigures {
  const answerable = rows.filter((r) => r.case.expect.length > 0);
  const unanswerable = rows.filter((r) => r.case.expect.length === 0);
  const rank = (r: EvalRow) => r.answer.articles.findIndex((a) => r.case.expect.includes(a.id)) + 1;
  const correctTop = (r: EvalRow) => rank(r) === 1;
  // A knowledge question is screened too: a 999 reply to "do they put drops in your eyes at the eye check" is
  // a question turned away.
  const flagged = rows.filter((r) => r.screenedEmergency !== undefined);
  const positives = flagged.filter((r) => r.case.emergency === true);
  const negatives = flagged.filter((r) => r.case.emergency !== true);
  return {
    cases: rows.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    recallAt1: share(answerable, correctTop),
    recallAt3: share(answerable, (r) => rank(r) >= 1 && rank(r) <= 3),
    mrr: round(answerable.reduce((s, r) => s + (rank(r) > 0 ? 1 / rank(r) : 0), 0) / Math.max(1, answerable.length)),
    answeredCorrectly: share(answerable, (r) => r.answer.answered && correctTop(r)),
    answeredWrongly: share(answerable, (r) => r.answer.answered && !correctTop(r)),
    offeredChoices: share(answerable, (r) => r.answer.outcome === 'choices'),
    rightAnsweredOrOffered: share(answerable, (r) => (r.answer.answered && correctTop(r)) || offersRight(r)),
    wronglyDeclined: share(answerable, (r) => r.answer.outcome === 'declined'),
    noAnswerAccuracy: share(unanswerable, (r) => r.answer.outcome === 'declined'),
    noAnswerAccuracyNonEmergency: share(unanswerable.filter((r) => !r.case.emergency), (r) => r.answer.outcome === 'declined'),
    emergencyCases: positives.length,
    emergencySensitivity: positives.length ? share(positives, (r) => r.screenedEmergency === true) : null,
    emergencySpecificity: negatives.length ? share(negatives, (r) => r.screenedEmergency === false) : null,
    latencyMs: { median: percentile(rows.map((r) => r.ms), 0.5), p99: percentile(rows.map((r) => r.ms), 0.99) },
  };
}

function offersRight(r: EvalRow): boolean {
  return r.answer.outcome === 'choices' && (r.answer.choices ?? []).some((c) => r.case.expect.includes(c.id));
}

export interface ChoiceSweepRow {
  choiceThreshold: number;
  /** Answerable cases answered from an expected article, or offered one among the choices. */
  rightAnsweredOrOffered: number;
  /** Should-decline cases, other than emergencies, that would be declined (neither answered nor offered). */
  noAnswerAccuracy: number;
}

/**
 * What the choice threshold trades, with the answer threshold fixed: right articles answered or offered
 * against out-of-scope questions declined. Answered at the answer threshold whatever the scope score; otherwise
 * offered the choices near the best when the scope score reaches the threshold (never for a personal decision).
 */
export function choiceSweep(rows: EvalRow[], answerThreshold = ANSWER_THRESHOLD, thresholds = withInUse(range(0.3, 1.2, 0.05))): ChoiceSweepRow[] {
  const answerable = rows.filter((r) => r.case.expect.length > 0);
  const unanswerable = rows.filter((r) => r.case.expect.length === 0 && !r.case.emergency);
  const answers = (r: EvalRow) => r.answer.declined !== 'expired' && r.answer.articles.length > 0 && (r.answer.confidence ?? 0) >= answerThreshold;
  const offers = (r: EvalRow, t: number) =>
    !answers(r) && r.answer.declined !== 'expired' && r.answer.declined !== 'personal-decision' && r.answer.articles.length > 0 && (r.answer.scope ?? 0) >= t;
  const right = (r: EvalRow, t: number) => {
    const shown = answers(r) ? r.answer.articles.slice(0, 1) : offers(r, t) ? nearBest(r.answer.articles) : [];
    return shown.some((m) => r.case.expect.includes(m.id));
  };
  return thresholds.map((t) => ({
    choiceThreshold: t,
    rightAnsweredOrOffered: share(answerable, (r) => right(r, t)),
    noAnswerAccuracy: share(unanswerable, (r) => !answers(r) && !offers(r, t)),
  }));
}

export interface SweepRow {
  threshold: number;
  /** Answerable cases that would be answered, from an expected article, at this threshold. */
  recallAt1: number;
  /** Answerable cases that would be answered from an article not expected. */
  answeredWrongly: number;
  /** Should-decline cases, other than emergencies, that would be declined. */
  noAnswerAccuracy: number;
}

/**
 * What the answer threshold trades: correct answers given against unanswerable questions declined.
 * Emergencies are left out of the declines: the screen handles them before retrieval.
 */
export function thresholdSweep(rows: EvalRow[], thresholds = range(0.3, 0.95, 0.05)): SweepRow[] {
  const answerable = rows.filter((r) => r.case.expect.length > 0);
  const unanswerable = rows.filter((r) => r.case.expect.length === 0 && !r.case.emergency);
  const answersAt = (r: EvalRow, t: number) => (r.answer.confidence ?? 0) >= t && r.answer.declined !== 'expired' && r.answer.articles.length > 0;
  return thresholds.map((t) => ({
    threshold: t,
    recallAt1: share(answerable, (r) => answersAt(r, t) && r.case.expect.includes(r.answer.articles[0]!.id)),
    answeredWrongly: share(answerable, (r) => answersAt(r, t) && !r.case.expect.includes(r.answer.articles[0]!.id)),
    noAnswerAccuracy: share(unanswerable, (r) => !answersAt(r, t)),
  }));
}

/** The threshold that maximises correct answers plus correct declines, each as a share of its own cases. */
export function bestThreshold(sweep: SweepRow[]): number {
  return sweep.reduce((best, row) => (row.recallAt1 + row.noAnswerAccuracy > best.recallAt1 + best.noAnswerAccuracy ? row : best)).threshold;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!);
}

function share<T>(items: T[], test: (item: T) => boolean): number {
  return items.length ? round(items.filter(test).length / items.length) : 0;
}

/** The sweep's steps and the threshold in use, so that the sweep always shows the setting in service. */
function withInUse(steps: number[]): number[] {
  return [...new Set([...steps, CHOICE_THRESHOLD])].sort((a, b) => a - b);
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let x = from; x <= to + 1e-9; x += step) out.push(Math.round(x * 100) / 100);
  return out;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
