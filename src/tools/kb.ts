/**
 * Content tool: `kb check`, `kb ask [--json] [question]`, `kb eval FILE [--json] [--misses]`, `kb calibrate-gate FILE...`,
 * `kb gaps`.
 * A composition root of its own: it builds the knowledge service the way the server does, without a model.
 */
import { readdir } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { config as loadDotenv } from 'dotenv';
import { systemClock } from '../clock.js';
import { parseConfig } from '../config.js';
import { openDatabase } from '../db/open-database.js';
import { createLogger } from '../logging.js';
import { KnowledgeFileError, type RedFlagSet } from '../safety/red-flags.js';
import { createEmergencyScreen } from '../safety/emergency-screen.js';
import { ANSWER_THRESHOLD, CHOICE_THRESHOLD } from '../knowledge/confidence.js';
import { bestThreshold, choiceSweep, readEvalCases, runCases, summarise, thresholdSweep, type EvalRow } from '../knowledge/evaluation.js';
import { chooseSetting, crossValidate, gateCases, gateFigures, heldOutExampleCases, IN_USE, type GateCase, type GateFigures, type GateSetting } from '../knowledge/gate-calibration.js';
import { checkKnowledge } from '../knowledge/knowledge-check.js';
import { KnownPhrases } from '../knowledge/known-phrases.js';
import { buildKnowledgeBase, ukDate, type ArticleKnowledgeBase } from '../knowledge/knowledge-base.js';
import { gapTotalsSince, questionDigest } from '../knowledge/knowledge-gaps.js';
import { readKnowledgeFiles, RED_FLAGS_FILE } from '../knowledge/load-knowledge.js';
import { describeScreening, evaluateScreening, percent, readScreeningCases, type ScreeningCase, type ScreeningFigures } from '../safety/screening-evaluation.js';
import { trainRiskClassifier } from '../safety/risk-classifier.js';
import { CORPUS_DIR, readScreeningFiles } from '../safety/screening-files.js';
import type { KnowledgeAnswer } from '../knowledge/types.js';

const USAGE = `usage: npm run kb -- check
       npm run kb -- ask [--json] ["question"]     (no question: one question per line on stdin)
       npm run kb -- eval FILE [--json] [--misses]
       npm run kb -- eval knowledge/eval/screening/*.jsonl [--json] [--misses]   (emergency screening sets)
       npm run kb -- calibrate FILE...               (the classifier's thresholds against labelled sets)
       npm run kb -- calibrate-gate FILE... [--examples] [--json]   (the answer gate's settings, cross-validated)
       npm run kb -- gaps [--days N] [--top N] [--json]   (the database of DATABASE_URL, or of DATA_DIR:
                                                        stop Carepoint first when it is the embedded one)
options: --dir DIR   knowledge folder (default: the project's knowledge/)`;

async function main(argv: string[]): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const dirAt = argv.indexOf('--dir');
  const dir = dirAt >= 0 && argv[dirAt + 1] ? resolve(argv[dirAt + 1]!) : fileURLToPath(new URL('../../knowledge', import.meta.url));
  const valueOf = (flag: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const valued = new Set(['--dir', '--days', '--top'].map((f) => argv.indexOf(f) + 1).filter((i) => i > 0));
  const words = argv.filter((a, i) => !a.startsWith('--') && !valued.has(i));
  const [command, ...rest] = words;
  switch (command) {
    case 'check':
      return check(dir);
    case 'ask':
      return ask(dir, rest.join(' ').trim(), flags.has('--json'));
    case 'calibrate':
      if (!rest[0]) break;
      return calibrate(dir, rest.map((f) => resolve(f)));
    case 'eval':
      if (!rest[0]) break;
      // Screening sets (emergency or not, by kind) are measured on the screen alone, several at once.
      if (rest.every(isScreeningSet)) return evaluateScreeningSets(dir, rest.map((f) => resolve(f)), flags.has('--json'), flags.has('--misses'));
      return evaluate(dir, resolve(rest[0]), flags.has('--json'), flags.has('--misses'));
    case 'calibrate-gate':
      if (!rest[0]) break;
      return calibrateGate(dir, rest.map((f) => resolve(f)), flags.has('--examples'), flags.has('--json'));
    case 'gaps':
      return gaps(dir, Number(valueOf('--days') ?? 30), Number(valueOf('--top') ?? 20), flags.has('--json'));
  }
  console.error(USAGE);
  return 2;
}

async function check(dir: string): Promise<number> {
  const result = await checkKnowledge(dir, systemClock);
  for (const p of result.problems) console.log(`${join(dir, p.file)}:${p.line}: ${p.severity}: ${p.message}`);
  const errors = result.problems.filter((p) => p.severity === 'error').length;
  console.log('\nred flags (every message is screened against these, and by the classifier):');
  for (const line of result.flagExplanations) console.log(`  ${line}`);
  console.log(`classifier: ${result.classifierExamples ? `trained on ${result.classifierExamples} labelled messages (knowledge/screening)` : 'no corpus: the concept rules screen alone'}\n`);
  console.log(`${result.articles} articles, ${result.redFlags} red flags, ${errors} error(s), ${result.problems.length - errors} warning(s)`);
  return errors > 0 ? 1 : 0;
}

interface ToolKnowledge {
  kb: ArticleKnowledgeBase;
  redFlags: RedFlagSet | undefined;
  version: string;
}

/**
 * Unlike the server, which refuses content with errors, the tool answers from the articles that are valid
 * (saying on stderr what was left out), so that writers can try questions while one file is broken.
 */
async function open(dir: string): Promise<ToolKnowledge> {
  const files = await readKnowledgeFiles(dir);
  const errors = files.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) console.error(`warning: ${errors.length} error(s) in the content (see npm run kb -- check); answering from the valid articles`);
  const logger = createLogger({ level: 'warn', destination: process.stderr });
  const kb = await buildKnowledgeBase(files.articles, { clock: systemClock, logger });
  return { kb, redFlags: files.redFlags, version: files.version };
}

async function ask(dir: string, question: string, json: boolean): Promise<number> {
  const { kb } = await open(dir);
  const show = async (q: string) => {
    const answer = await kb.answer(q);
    console.log(json ? JSON.stringify(toJson(q, answer)) : describe(q, answer));
  };
  if (question) await show(question);
  else for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) if (line.trim()) await show(line.trim());
  return 0;
}

/** `articles` is what the person was shown: the article answered from, or the choices offered; `retrieved` is all. */
function toJson(question: string, a: KnowledgeAnswer) {
  const shown = a.outcome === 'answered' ? a.articles.slice(0, 1) : a.outcome === 'choices' ? (a.choices ?? []) : [];
  return {
    question, outcome: a.outcome, answered: a.answered, articles: shown, retrieved: a.articles,
    answer: { chat: a.chat, sms: a.sms }, confidence: a.confidence, scope: a.scope, ...(a.declined ? { declined: a.declined } : {}),
  };
}

function describe(question: string, a: KnowledgeAnswer): string {
  const outcome = a.outcome === 'declined' ? `DECLINED (${a.declined})` : a.outcome.toUpperCase();
  const lines = [`Q: ${question}`, `${outcome}, confidence ${a.confidence}, scope score ${a.scope ?? 0}`];
  for (const m of a.articles) lines.push(`  ${m.score.toFixed(3).padStart(8)}  ${m.id}  (${m.title})`);
  lines.push('--- chat ---', a.chat, `--- sms (${a.sms.length} chars) ---`, a.sms);
  if (a.smsMore) lines.push(`--- sms MORE (${a.smsMore.length} chars) ---`, a.smsMore);
  return `${lines.join('\n')}\n`;
}

async function evaluate(dir: string, file: string, json: boolean, misses: boolean): Promise<number> {
  const cases = await readEvalCases(file);
  const { kb, redFlags, version } = await open(dir);
  const known = new Set(cases.flatMap((c) => c.expect).filter((id) => kb.article(id)));
  for (const c of cases) for (const id of c.expect) if (!known.has(id)) console.error(`${file}:${c.line}: warning: no article has id "${id}"`);
  const screen = redFlags ? createEmergencyScreen(() => redFlags) : undefined;
  const rows = await runCases(kb, cases, screen && ((text) => screen.screen(text).emergency));
  const figures = summarise(rows);
  const sweep = thresholdSweep(rows);
  const choices = choiceSweep(rows);
  const report = { file, version, articles: kb.articleCount(), threshold: ANSWER_THRESHOLD, choiceThreshold: CHOICE_THRESHOLD, suggestedThreshold: bestThreshold(sweep), ...figures, sweep, choiceSweep: choices };
  if (json) {
    console.log(JSON.stringify(report));
    return 0;
  }
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
  console.log(`${figures.cases} cases (${figures.answerable} answerable, ${figures.unanswerable} should decline, ${figures.emergencyCases} emergencies) against ${report.articles} articles`);
  console.log(`recall@1 ${pct(figures.recallAt1)}  recall@3 ${pct(figures.recallAt3)}  MRR ${figures.mrr.toFixed(3)}`);
  console.log(`right article answered or offered in the top 3 ${pct(figures.rightAnsweredOrOffered)}  answered wrongly ${pct(figures.answeredWrongly)}  out of scope declined ${pct(figures.noAnswerAccuracyNonEmergency)}`);
  console.log(`answered correctly ${pct(figures.answeredCorrectly)}  offered choices ${pct(figures.offeredChoices)}  wrongly declined ${pct(figures.wronglyDeclined)}`);
  console.log(`no-answer cases correctly declined ${pct(figures.noAnswerAccuracy)} (${pct(figures.noAnswerAccuracyNonEmergency)} leaving out emergencies, which the screen answers first)`);
  console.log(`emergency sensitivity ${pct(figures.emergencySensitivity)}  specificity ${pct(figures.emergencySpecificity)}`);
  console.log(`latency per query: median ${figures.latencyMs.median} ms, p99 ${figures.latencyMs.p99} ms`);
  console.log(`\nanswer threshold ${ANSWER_THRESHOLD} (best on this set: ${report.suggestedThreshold})\nthreshold  recall@1(answered)  answered wrongly  no-answer accuracy (non-emergency)`);
  for (const s of sweep) console.log(`${s.threshold.toFixed(2).padStart(9)}  ${pct(s.recallAt1).padStart(18)}  ${pct(s.answeredWrongly).padStart(16)}  ${pct(s.noAnswerAccuracy).padStart(18)}${s.threshold === ANSWER_THRESHOLD ? '  <- in use' : ''}`);
  console.log(`\nchoice threshold ${CHOICE_THRESHOLD} (answer threshold ${ANSWER_THRESHOLD} fixed)\nthreshold  right answered or offered  out of scope declined`);
  for (const c of choices) console.log(`${c.choiceThreshold.toFixed(2).padStart(9)}  ${pct(c.rightAnsweredOrOffered).padStart(24)}  ${pct(c.noAnswerAccuracy).padStart(21)}${c.choiceThreshold === CHOICE_THRESHOLD ? '  <- in use' : ''}`);
  if (misses) printMisses(rows);
  return 0;
}

/**
 * The gate's settings against knowledge sets (and, with --examples, the articles' example questions asked of an
 * index without them): the setting in use on each, a cross-validated estimate, each set judged by a setting
 * chosen on the others, and the trade of the choice threshold.
 */
async function calibrateGate(dir: string, files: string[], examples: boolean, json: boolean): Promise<number> {
  const { kb } = await open(dir);
  const { articles } = await readKnowledgeFiles(dir);
  const phrases = new KnownPhrases(articles);
  const bySet = new Map<string, GateCase[]>();
  for (const file of files) {
    const name = file.split('/').at(-1)!.replace(/\.jsonl$/, '');
    bySet.set(name, gateCases(name, await runCases(kb, await readEvalCases(file)), phrases));
  }
  // As of the latest review, as the evaluation test does: the held-out indexes judge wording, not dates.
  const asOf = articles.map((a) => a.lastReviewed).sort().at(-1)!;
  if (examples) bySet.set('examples', await heldOutExampleCases(articles, { now: () => new Date(`${asOf}T12:00:00Z`) }));
  const all = [...bySet.values()].flat();
  const inUse = Object.fromEntries([...bySet].map(([name, cases]) => [name, gateFigures(cases, IN_USE)]));
  const acrossSets = [...bySet.keys()].filter((name) => name !== 'examples').map((name) => {
    const setting = chooseSetting(all.filter((c) => c.set !== name));
    return { heldOut: name, setting, ...gateFigures(bySet.get(name)!, setting) };
  });
  const chosenOnAll = chooseSetting(all);
  const trade = Array.from({ length: 9 }, (_, i) => 0.5 + i * 0.05).map((t) => ({ choiceThreshold: Math.round(t * 100) / 100, ...gateFigures(all, { ...IN_USE, choiceThreshold: t }) }));
  const report = { inUseSetting: IN_USE, inUse, pooled: gateFigures(all, IN_USE), crossValidated: crossValidate(all), acrossSets, chosenOnAll, trade };
  if (json) {
    console.log(JSON.stringify(report));
    return 0;
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(6);
  const line = (f: GateFigures) => `right answered or offered ${pct(f.rightAnsweredOrOffered)}  answered wrongly ${pct(f.answeredWrongly)}  out of scope declined ${pct(f.outOfScopeDeclined)}`;
  const setting = (s: GateSetting) => `phrase bonus ${s.phraseBonus}, choice threshold ${s.choiceThreshold.toFixed(2)}`;
  console.log(`in use (${setting(IN_USE)}):`);
  for (const [name, f] of Object.entries(inUse)) console.log(`  ${name.padEnd(28)} ${line(f)}`);
  console.log(`  ${'all together'.padEnd(28)} ${line(report.pooled)}`);
  console.log(`cross-validated (${report.crossValidated.folds} folds left out, each setting chosen on the rest):\n  ${''.padEnd(28)} ${line(report.crossValidated)}`);
  console.log('each set judged by the setting chosen on the others:');
  for (const a of acrossSets) console.log(`  ${a.heldOut.padEnd(28)} ${line(a)}  (${setting(a.setting)})`);
  console.log(`chosen on all of them: ${setting(chosenOnAll)}\nthe choice threshold's trade (phrase bonus ${IN_USE.phraseBonus}, all together):`);
  for (const t of trade) console.log(`  ${t.choiceThreshold.toFixed(2)}  ${line(t)}${Math.abs(t.choiceThreshold - IN_USE.choiceThreshold) < 1e-9 ? '  <- in use' : ''}`);
  return 0;
}

function isScreeningSet(file: string): boolean {
  return /(^|\/)screening\/[^/]+\.jsonl$/.test(resolve(file)) || /emergency-blind/.test(file);
}

async function evaluateScreeningSets(dir: string, files: string[], json: boolean, misses: boolean): Promise<number> {
  const { redFlags, version } = await open(dir);
  if (!redFlags) throw new KnowledgeFileError(RED_FLAGS_FILE, 1, 'red flags could not be loaded');
  const screen = createEmergencyScreen(() => redFlags);
  console.log(`knowledge version ${version}; classifier ${redFlags.classifier ? `trained on ${redFlags.classifier.examples} messages` : 'absent'}`);
  for (const file of files) {
    const figures = evaluateScreening(screen, await readScreeningCases(file));
    console.log(json ? JSON.stringify({ file, version, ...figures, misses: misses ? figures.misses : undefined }) : describeScreening(file, figures, misses));
  }
  return 0;
}

/**
 * How the classifier's thresholds were chosen: for each candidate, sensitivity and specificity on labelled
 * sets it was not trained on, alone and together with the concept rules.
 */
async function calibrate(dir: string, files: string[]): Promise<number> {
  const { redFlags } = await open(dir);
  const { corpus } = await readScreeningFiles(dir);
  if (!redFlags || corpus.length === 0) throw new KnowledgeFileError(CORPUS_DIR, 1, 'no red flags or no corpus to calibrate');
  const cases = (await Promise.all(files.map(readLabelledCases))).flat();
  const rulesOnly = createEmergencyScreen(() => ({ ...redFlags, classifier: undefined }));
  console.log(`${cases.length} labelled messages; rules alone: ${describeRates(evaluateScreening(rulesOnly, cases))}`);
  console.log('raiseAt  classifier alone                 with the rules (askAt = raiseAt - 6)');
  for (const raiseAt of [-8, -6, -4, -3, -2, -1, 0, 1, 2, 4, 6, 8]) {
    const classifier = trainRiskClassifier(corpus, { ...redFlags.classifier!.settings, raiseAt, askAt: raiseAt - 6 });
    const alone = cases.filter((c) => c.emergency);
    const caught = alone.filter((c) => classifier.score(c.q) >= raiseAt).length;
    const calm = cases.filter((c) => !c.emergency);
    const quiet = calm.filter((c) => classifier.score(c.q) < raiseAt).length;
    const both = evaluateScreening(createEmergencyScreen(() => ({ ...redFlags, classifier })), cases);
    console.log(`${String(raiseAt).padStart(7)}  sens ${percent({ hit: caught, of: alone.length }).padEnd(14)} spec ${percent({ hit: quiet, of: calm.length }).padEnd(14)} ${describeRates(both)}`);
  }
  return 0;
}

const describeRates = (f: ScreeningFigures) => `sens ${percent(f.sensitivity)}, spec ${percent(f.specificity)}, caught or asked ${percent(f.caughtOrAsked)}`;

/** Screening sets, or knowledge sets whose cases say whether they are emergencies. */
async function readLabelledCases(file: string): Promise<ScreeningCase[]> {
  if (isScreeningSet(file)) return readScreeningCases(file);
  return (await readEvalCases(file)).filter((c) => c.emergency !== undefined).map((c) => ({ q: c.q, emergency: c.emergency!, kind: 'routine', lifeThreatening: false, hard: '', line: c.line }));
}

function printMisses(rows: EvalRow[]): void {
  console.log('\nmisses (line: expected -> got, confidence):');
  for (const r of rows) {
    const top = r.answer.articles[0]?.id ?? '-';
    const wantDecline = r.case.expect.length === 0;
    const offered = r.answer.outcome === 'choices' && (r.answer.choices ?? []).some((c) => r.case.expect.includes(c.id));
    const ok = wantDecline ? r.answer.outcome === 'declined' : (r.answer.answered && r.case.expect.includes(top)) || offered;
    const screenMiss = r.screenedEmergency !== undefined && r.screenedEmergency !== (r.case.emergency === true);
    if (ok && !screenMiss) continue;
    const expected = wantDecline ? '(decline)' : r.case.expect.join('|');
    const got = r.answer.answered ? top : r.answer.outcome === 'choices' ? `(choices ${(r.answer.choices ?? []).map((c) => c.id).join(', ')})` : `(declined; top ${top})`;
    console.log(`${r.case.line}: ${JSON.stringify(r.case.q)}: ${expected} -> ${got} ${r.answer.confidence}${screenMiss ? ` [screen said emergency=${r.screenedEmergency}]` : ''}`);
  }
}

/**
 * The questions declined or offered choices most often, from the per-day counts. Only digests are stored, so
 * a question is named when it is one the evaluation sets or example questions know; the rest are counted.
 */
async function gaps(dir: string, days: number, top: number, json: boolean): Promise<number> {
  if (!Number.isInteger(days) || days < 1 || !Number.isInteger(top) || top < 1) {
    console.error('--days and --top take a whole number of 1 or more');
    return 2;
  }
  loadDotenv({ quiet: true });
  const parsed = parseConfig(process.env);
  if (!parsed.ok) {
    for (const error of parsed.errors) console.error(`Configuration error: ${error}`);
    return 1;
  }
  const known = await knownQuestions(dir);
  const db = await openDatabase({ databaseUrl: parsed.config.DATABASE_URL, dataDir: parsed.config.DATA_DIR });
  try {
    const since = ukDate(new Date(systemClock.now().getTime() - (days - 1) * 86_400_000));
    const totals = await gapTotalsSince(db, since);
    const named = totals.filter((t) => known.has(t.digest)).slice(0, top).map((t) => ({ ...t, ...known.get(t.digest)! }));
    const unnamed = totals.filter((t) => !known.has(t.digest));
    const times = (list: typeof totals) => list.reduce((n, t) => n + t.choices + t.declined, 0);
    if (json) {
      console.log(JSON.stringify({ since, questions: totals.length, times: times(totals), named, unnamed: { questions: unnamed.length, times: times(unnamed) } }));
      return 0;
    }
    console.log(`since ${since}: ${totals.length} different questions declined or offered choices, ${times(totals)} times in all`);
    console.log('  asked  choices  declined  question (where the evaluation sets have it)  -> article expected');
    for (const t of named) {
      const wanted = t.expect.length > 0 ? t.expect.join(' | ') : 'no article covers it';
      console.log(`${String(t.choices + t.declined).padStart(7)}  ${String(t.choices).padStart(7)}  ${String(t.declined).padStart(8)}  ${JSON.stringify(t.question)} (${t.file})  -> ${wanted}`);
    }
    console.log(`${unnamed.length} other questions (${times(unnamed)} times) are in no evaluation set: only their digests are kept`);
    return 0;
  } finally {
    await db.close();
  }
}

/** Digest -> question, from every evaluation set under DIR/eval and every article's example questions. */
async function knownQuestions(dir: string): Promise<Map<string, { question: string; expect: string[]; file: string }>> {
  const known = new Map<string, { question: string; expect: string[]; file: string }>();
  const evalDir = join(dir, 'eval');
  const files = (await readdir(evalDir).catch(() => [] as string[])).filter((f) => f.endsWith('.jsonl')).sort();
  for (const file of files) {
    for (const c of await readEvalCases(join(evalDir, file))) {
      const digest = questionDigest(c.q);
      if (!known.has(digest)) known.set(digest, { question: c.q, expect: c.expect, file: `eval/${file}` });
    }
  }
  for (const a of (await readKnowledgeFiles(dir)).articles) {
    for (const q of a.questions) {
      const digest = questionDigest(q);
      if (!known.has(digest)) known.set(digest, { question: q, expect: [a.id], file: a.file });
    }
  }
  return known;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof KnowledgeFileError) console.error(`${err.file}:${err.line}: error: ${err.problem}`);
    else console.error(err);
    process.exit(1);
  },
);
