import type { Reading, RedFlag, RedFlagSet } from './red-flags.js';
import { CLASSIFIER_FLAG, type ClassifierWord, type RiskVerdict } from './risk-classifier.js';
import { findPhrase, findPhraseInto, initialBits, NEGATORS, OPTIONAL, PhraseCompiler, SentenceTokens, type CompiledWords, type Span, type Token, type TokenIndex } from './phrase-matcher.js';
import {
  ABOUT_OTHERS, ABOUT_SELF, ANY_ASKING_ONLY, ANY_MESSAGE_ASKS, ANY_QUESTION_CUE, hasWordsOfLetters, isFigureOfSpeech, isHappeningNow, isLongAgo, isPastOnly, NOW_IN_MESSAGE, withoutNotNow,
} from './screen-cues.js';
import { markDecimals, normaliseWords, normaliseWordsByComma } from './text-normalise.js';

export interface FlagMatch {
  flag: RedFlag;
  phrase: string;
  /** Which detector raised it: the concept rules, the statistical classifier, or a language model. */
  by: 'rules' | 'classifier' | 'model';
}

export interface ScreenResult {
  emergency: boolean;
  /** The most urgent advice among the matched flags: 999 beats 111. */
  advice: '999' | '111' | null;
  matches: FlagMatch[];
  /** Phrasings found but set aside as negated, hypothetical or past, kept for tests and audits. */
  setAside: { phrase: string; why: 'negated' | 'question' | 'past' }[];
  /** The message uses words of symptoms or risk (negated or not): it never gets a bare "I'm not sure". */
  risk: boolean;
  /** Risk words, no emergency found, and the classifier not confident it is calm: ask the check question. */
  uncertain: boolean;
  /** The classifier's log odds and verdict, when one is trained. */
  classifier?: { score: number; verdict: RiskVerdict };
  /** Who it is about: someone else ("my dad", "she") rather than the sender, for what to do meanwhile. */
  aboutOthers?: boolean;
}

export interface EmergencyScreen {
  screen(text: string): ScreenResult;
}

/**
 * One way a red flag is recognised: a phrasing (one group, one alternative), or a `together` rule whose
 * every group must be present in the same sentence ("hypo" with "not making sense").
 */
interface CompiledPattern {
  flag: RedFlag;
  phrase: string;
  groups: CompiledGroup[];
  /** A name of the condition: it needs the present tense or the classifier's doubt (see the red flags file). */
  mention?: boolean;
}

/**
 * One group of a `together` rule (or a phrasing's one alternative): the same words in several rules (a
 * concept, "@not-breathing-words") are one group, numbered, so a sentence looks for them once (see findGroup).
 */
interface CompiledGroup extends Alternatives {
  id: number;
}

/** Phrasings, any of which will do, with each one's first letters and first word side by side: most are passed over on these alone. */
interface Alternatives {
  alternatives: CompiledWords[];
  initials: Int32Array;
  firstWords: (Token | undefined)[];
}

function alternativesOf(alternatives: CompiledWords[]): Alternatives {
  return { alternatives, initials: Int32Array.from(alternatives, (a) => a.initials), firstWords: alternatives.map((a) => a.required[0]) };
}

/** Whether the alternative may be in the sentence: its first letters are, and its first word (findPhrase needs both). */
function mayBeIn(of: Alternatives, a: number, sentence: SentenceTokens): boolean {
  if ((of.initials[a]! & ~sentence.initials) !== 0) return false;
  const first = of.firstWords[a];
  return first !== undefined && sentence.has(first);
}

/** What a sentence holds of a group: where its first alternative found stands, and whether one was negated. */
interface GroupFound {
  hit: [number, number] | undefined;
  negated: boolean;
}

/** A reading rule: a measure's words, a number or meter word within READING_REACH words of it. */
interface CompiledReading {
  flag: RedFlag;
  rule: Reading;
  measure: CompiledWords[];
  words: CompiledWords[];
  with: CompiledWords[];
}
/**
 * A word as the screen reads it, looked up once for the rules and the classifier alike: the phrasing words
 * it matches and what the classifier knows of it (one look-up a word: screening long messages is mostly
 * looking words up).
 */
interface ScreenWord {
  tokens: readonly Token[];
  known: ClassifierWord | undefined;
}
/** Words read, remembered per set; a bound, so made-up words cannot grow it for ever. */
const REMEMBERED_WORDS = 50_000;

/** How far a reading's number may stand from its measure ("potassium came back at 6.9"). */
const READING_REACH = 4;
/** "under 3", "less than 3": the reading is below the number written. */
const BELOW_WORDS = new Set(['under', 'below', 'less', 'lower']);

/** Words that may sit between a negator and what it negates ("not having any chest pain"). */
const NEGATION_FILLERS = new Set(['hit', 'her', 'his', 'my', 'banged', 'bumped', 'any', 'have', 'has', 'had', 'got', 'feel', 'feeling', 'having', 'a', 'an', 'the', 'real', 'really', 'more', 'signs', 'sign', 'of', 'symptoms', 'do', 'does', 'did', 'is', 'are', 'was', 'were', 'he', 'she', 'they', 'i', 'it', 'been', 'experiencing', 'noticed', 'seen', 'obvious', 'actual', 'bad', 'much', 'thinking', 'going', 'gonna', 'planning', 'to', 'about', 'want', 'wanting', 'like']);
/** Words that open a new clause. */
const CONJUNCTIONS = new Set(['and', 'but', 'or', 'so', 'though', 'although', 'however', 'because', 'while', 'yet']);
/** Negation does not reach back across these. */
const CLAUSE_BREAKS = new Set(['and', 'but', 'or', 'so', 'though', 'although', 'however', 'because', 'just', 'now', 'then', 'yet', 'while']);
const MIN_WORDS_FOR_CLASSIFIER = 3;

export function createEmergencyScreen(currentFlags: () => RedFlagSet): EmergencyScreen {
  return screenWith(currentFlags, false);
}

/**
 * The same screen without its indexes and shortcuts: every phrasing tried against every sentence, every
 * word compared with every phrasing word, the message normalised apart from its sentences, and the
 * classifier run from its features written out and, for the kind, the library's own way. Far slower; it is
 * the plain definition the tests hold the fast screen to (the joined cues have a test of their own).
 */
export function createExhaustiveScreen(currentFlags: () => RedFlagSet): EmergencyScreen {
  return screenWith(currentFlags, true);
}

function screenWith(currentFlags: () => RedFlagSet, exhaustive: boolean): EmergencyScreen {
  const compiled = new WeakMap<RedFlagSet, CompiledSet>();
  const phrasesOf = (set: RedFlagSet) => {
    let phrases = compiled.get(set);
    if (!phrases) {
      phrases = compile(set);
      compiled.set(set, phrases);
    }
    return phrases;
  };
  return { screen: (text) => screenText(text, phrasesOf(currentFlags()), exhaustive) };
}

interface CompiledSet {
  patterns: CompiledPattern[];
  readings: CompiledReading[];
  riskWords: Alternatives;
  source: RedFlagSet;
  /**
   * Each pattern's first letters needed whichever alternatives match (see needsOf), side by side: most
   * patterns are passed over on this alone, and the loop that does it reads only this array.
   */
  needs: Int32Array;
  tokens: TokenIndex;
  /**
   * The patterns (by index) each token can start: a pattern is found only from its first group, and only
   * where the first word of one of that group's phrasings is, so a sentence tries just those.
   */
  startedBy: number[][];
  /** The patterns a sentence can start (see candidatePatterns), one bit each, and in order by index. */
  candidateBits: Int32Array;
  candidates: Int32Array;
  /** What the sentence read last holds of each group (by id), good where its stamp is that sentence's. */
  groupsFound: GroupFound[];
  groupStamps: Float64Array;
  sentenceStamp: number;
  words: Map<string, ScreenWord>;
}

function compile(set: RedFlagSet): CompiledSet {
  const compiler = new PhraseCompiler();
  const words = (phrase: string, strict = false) => compiler.words(phrase, strict);
  const groupsByWords = new Map<string, CompiledGroup>();
  const group = (phrasings: string[]) => {
    const key = JSON.stringify(phrasings);
    let known = groupsByWords.get(key);
    if (!known) groupsByWords.set(key, (known = { id: groupsByWords.size, ...alternativesOf(phrasings.map((w) => words(w))) }));
    return known;
  };
  const patterns = set.flags.flatMap((flag) => [
    ...flag.phrases.map((phrase) => ({ flag, phrase, groups: [group([phrase])] })),
    ...flag.mentions.map((phrase) => ({ flag, phrase, groups: [group([phrase])], mention: true })),
    ...flag.together.map((groups) => ({
      flag,
      phrase: groups.map((g) => g[0]).join(' + '),
      groups: groups.map(group),
    })),
  ]);
  const readings = set.flags.flatMap((flag) =>
    flag.readings.map((rule) => ({ flag, rule, measure: rule.measure.map((w) => words(w)), words: rule.words.map((w) => words(w)), with: rule.with.map((w) => words(w)) })),
  );
  const riskWords = alternativesOf(set.riskWords.map((w) => words(w, true)));
  const tokens = compiler.index();
  return {
    patterns, needs: Int32Array.from(patterns, needsOf), readings, riskWords, source: set, tokens, startedBy: startersOf(patterns, tokens.tokens.length),
    candidateBits: new Int32Array(Math.ceil(patterns.length / 32)), candidates: new Int32Array(patterns.length),
    groupsFound: Array.from({ length: groupsByWords.size }, () => ({ hit: undefined, negated: false })), groupStamps: new Float64Array(groupsByWords.size), sentenceStamp: 0,
    words: new Map(),
  };
}

/** The first letters a pattern needs whichever of each group's alternatives matches. */
function needsOf(p: CompiledPattern): number {
  return p.groups.reduce((all, group) => all | group.alternatives.reduce((common, alt) => common & alt.initials, ~0), 0);
}

function startersOf(patterns: CompiledPattern[], tokenCount: number): number[][] {
  const startedBy = Array.from({ length: tokenCount }, (): number[] => []);
  patterns.forEach((p, i) => {
    for (const alternative of p.groups[0]!.alternatives) {
      const first = alternative.required[0];
      if (first && startedBy[first.id]!.at(-1) !== i) startedBy[first.id]!.push(i);
    }
  });
  return startedBy;
}

/**
 * The patterns (by index, in order) that can be found in the sentence, written to compiled.candidates; how
 * many. findPattern returns nothing for a pattern none of whose first group's phrasings has its first word
 * in the sentence, so the rest are left out.
 */
function candidatePatterns(compiled: CompiledSet, tokens: SentenceTokens, exhaustive: boolean): number {
  const { candidates, candidateBits: bits } = compiled;
  if (exhaustive) {
    for (let i = 0; i < candidates.length; i++) candidates[i] = i;
    return candidates.length;
  }
  // One bit a pattern, then read back in order (no sort): a pattern is set once however many tokens start it.
  bits.fill(0);
  for (const id of tokens.tokenIds()) for (const i of compiled.startedBy[id]!) bits[i >>> 5]! |= 1 << (i & 31);
  let count = 0;
  for (let w = 0; w < bits.length; w++) {
    for (let word = bits[w]!; word !== 0; word &= word - 1) candidates[count++] = w * 32 + 31 - Math.clz32(word & -word);
  }
  return count;
}

function screenWord(compiled: CompiledSet, word: string): ScreenWord {
  let read = compiled.words.get(word);
  if (!read) {
    if (compiled.words.size >= REMEMBERED_WORDS) compiled.words.clear();
    read = { tokens: compiled.tokens.tokensOf(word), known: compiled.source.classifier?.readWord(word) };
    compiled.words.set(word, read);
  }
  return read;
}

function screenText(text: string, compiled: CompiledSet, exhaustive: boolean): ScreenResult {
  const { patterns, needs, readings, riskWords, source } = compiled;
  const matches: FlagMatch[] = [];
  const setAside: ScreenResult['setAside'] = [];
  /** Names of conditions, not said to be happening now: they wait for the classifier's view. */
  const mentioned: FlagMatch[] = [];
  let risk = false;
  // "1.9" is a number, not the end of a sentence; each sentence keeps its closing "?" (it marks a question).
  const decimalsMarked = markDecimals(text);
  const sentences = (decimalsMarked.match(/[^.!?;\n]+[.!?;\n]*/g) ?? []).map((sentence) => tokenise(sentence, exhaustive));
  // Sentences cover every word of the message, so their words, end to end, are the message's words (with its
  // decimals marked): normalised once, for the rules and the classifier alike.
  const messageWords: string[] = [];
  for (const { words } of sentences) for (const word of words) messageWords.push(word);
  const wordsAsWritten = exhaustive || decimalsMarked !== text ? normaliseWords(text) : messageWords;
  const whole = withoutNotNow(wordsAsWritten.join(' '));
  const judging: MessageJudging = { matches, setAside, mentioned, whole, past: undefined, asking: undefined, exhaustive };
  /** The message's words as the classifier reads them (fast path), sentence after sentence, as messageWords. */
  const classifierWords: ClassifierWord[] = [];
  for (const at of sentences) {
    const { words, clauseOf } = at;
    if (words.length === 0) continue;
    let tokens: SentenceTokens;
    if (exhaustive) tokens = SentenceTokens.scanned(words);
    else {
      const read = words.map((word) => screenWord(compiled, word));
      for (let w = 0; w < read.length; w++) {
        const known = read[w]!.known;
        if (known) classifierWords.push(known);
      }
      tokens = SentenceTokens.indexed(words, compiled.tokens, read);
    }
    const lacking = ~tokens.initials;
    const memo = exhaustive ? undefined : { compiled, stamp: ++compiled.sentenceStamp };
    const candidates = compiled.candidates;
    for (let c = 0, count = candidatePatterns(compiled, tokens, exhaustive); c < count; c++) {
      const i = candidates[c]!;
      if ((needs[i]! & lacking) !== 0) continue;
      const p = patterns[i]!;
      const found = findPattern(p, tokens, clauseOf, memo);
      if (!found) continue;
      if (found === 'negated') setAside.push({ phrase: p.phrase, why: 'negated' });
      else judge(judging, at, p.flag, p.phrase, found, p.mention);
    }
    for (const reading of readings) {
      const found = findReading(reading, tokens, clauseOf);
      if (found) judge(judging, at, reading.flag, `${reading.rule.measure[0]} reading`, [found]);
    }
    for (let w = 0; !risk && w < riskWords.alternatives.length; w++) risk = mayBeIn(riskWords, w, tokens) && findPhraseInto(riskWords.alternatives[w]!, tokens, 0, FOUND);
  }
  // Answers of a word or two (a name, a date of birth, "yes", "2") give the classifier too little to go
  // on; the concept rules alone screen them.
  const classifier = hasWordsOfLetters(whole, MIN_WORDS_FOR_CLASSIFIER) ? source.classifier : undefined;
  let scored: ScreenResult['classifier'];
  if (classifier) {
    const features = exhaustive ? undefined : classifier.knownFeaturesOfRead(classifierWords);
    const score = features ? classifier.scoreKnown(features) : classifier.score(text);
    scored = { score, verdict: classifier.verdict(score) };
    // A condition named without "now" is reported when the classifier is not sure the message is calm.
    if (scored.verdict !== 'calm') for (const m of mentioned) if (!matches.some((x) => x.flag.id === m.flag.id)) matches.push(m);
    // Either detector can raise; neither can lower what the other found.
    // Its guess at the kind is for the co-ordinators only: advice must not rest on a guess ("do not eat
    // anything high in potassium" for a kind it got wrong), so the person gets the general instruction.
    if (matches.length === 0 && scored.verdict === 'raise') matches.push({ flag: CLASSIFIER_FLAG, phrase: `(classifier; most like: ${(features ? classifier.kindOfKnown(features) : classifier.libraryKindOf(text)) ?? 'unknown'})`, by: 'classifier' });
  }
  else matches.push(...mentioned.filter((m, i) => mentioned.findIndex((x) => x.flag.id === m.flag.id) === i && !matches.some((x) => x.flag.id === m.flag.id)));
  if (mentioned.length > 0 && matches.length === 0) setAside.push(...mentioned.map((m) => ({ phrase: m.phrase, why: 'question' as const })));
  risk ||= matches.length > 0 || setAside.length > 0;
  const advice = matches.length === 0 ? null : matches.some((m) => m.flag.advice === '999') ? '999' : '111';
  const emergency = matches.length > 0;
  // Not confident either way: the check question is asked (risk words, and the classifier not sure it is calm).
  // A message the rules read as a question about warning signs has had its answer; the safety-net line follows.
  const askedAbout = setAside.some((x) => x.why === 'question');
  const uncertain = !emergency && risk && !askedAbout && (scored ? scored.verdict !== 'calm' : false);
  return { emergency, advice, matches, setAside, risk, uncertain, classifier: scored, aboutOthers: ABOUT_OTHERS.test(whole) && !ABOUT_SELF.test(whole) };
}

/** What judging a phrasing found reads of the message, and where it writes what it decides. */
interface MessageJudging {
  matches: FlagMatch[];
  setAside: ScreenResult['setAside'];
  mentioned: FlagMatch[];
  /** The message's words, its "not ... now" phrases left out. */
  whole: string;
  /** What the message says of itself, worked out when a phrasing is first judged (most messages have none). */
  past: boolean | undefined;
  asking: boolean | undefined;
  exhaustive: boolean;
}

/**
 * Whether what was found at `found` is happening now, or set aside as a question, the past or a figure of
 * speech; written to the message's matches, set-asides or mentions.
 */
function judge(message: MessageJudging, at: Sentence, flag: RedFlag, phrase: string, found: [number, number][], mention = false): void {
  const { sentence, words, clauseOf } = at;
  const { matches, setAside, mentioned, whole } = message;
  // A message that dates itself ("mine was back in 2022") and says nothing of now is about the past.
  const pastMessage = (message.past ??= isLongAgo(whole) && !NOW_IN_MESSAGE.test(whole));
  // A message that asks about warning signs in general ("what should we look out for?") reports nothing
  // that it does not say is happening now.
  const askingMessage = (message.asking ??= ANY_MESSAGE_ASKS.test(whole));
  const start = Math.min(...found.map((h) => h[0]));
  const end = Math.max(...found.map((h) => h[1]));
  // What judge reads of the sentence depends only on the clauses or the start it is asked about: worked out
  // once a sentence on the fast path (a long sentence with several phrasings found read them again for each).
  const once = (key: string, test: () => boolean) => (message.exhaustive ? test() : rememberedIn(at, key, test));
  const happeningNow = once(`now ${clauseSpan(clauseOf, start, end)}`, () => isHappeningNow(withoutNotNow(clauseText(at, start, end))));
  // History only when every part is: "transplant 3 weeks ago, temp is 38.6" is a fever now.
  const past = pastMessage || found.every(([from, to]) => once(`past ${clauseSpan(clauseOf, from, to)}`, () => isPastOnly(clauseText(at, from, to))));
  if (!happeningNow && once('figure', () => isFigureOfSpeech(words.join(' ')))) setAside.push({ phrase, why: 'question' });
  else if (!happeningNow && once(`question ${start}`, () => isQuestion(words.slice(0, start).join(' '), words.join(' '), sentence))) setAside.push({ phrase, why: 'question' });
  else if (!happeningNow && past) setAside.push({ phrase, why: 'past' });
  else if (!happeningNow && askingMessage) setAside.push({ phrase, why: 'question' });
  else if (!happeningNow && mention) mentioned.push({ flag, phrase, by: 'rules' });
  else if (!matches.some((m) => m.flag.id === flag.id)) matches.push({ flag, phrase, by: 'rules' });
}

/** The clauses the words stand in: "he had chest pain last month, and now..." is about last month. */
function clauseText({ words, clauseOf }: Sentence, from: number, to: number): string {
  return words.filter((_, i) => clauseOf[i]! >= clauseOf[from]! && clauseOf[i]! <= clauseOf[to]!).join(' ');
}

function clauseSpan(clauseOf: number[], from: number, to: number): string {
  return `${clauseOf[from]}-${clauseOf[to]}`;
}

/** A test of the sentence remembered by key, worked out the first time it is asked. */
function rememberedIn(at: Sentence, key: string, test: () => boolean): boolean {
  let answer = (at.answers ??= new Map()).get(key);
  if (answer === undefined) at.answers.set(key, (answer = test()));
  return answer;
}

/** Where a reading rule is met in the sentence (its measure to its number), or undefined. */
function findReading(reading: CompiledReading, sentence: SentenceTokens, clauseOf: number[]): [number, number] | undefined {
  const { rule } = reading;
  if (reading.with.length > 0 && !anyFound(reading.with, sentence)) return undefined;
  for (const measure of reading.measure) {
    for (let from = 0; from < sentence.words.length; ) {
      const at = findPhrase(measure, sentence, from);
      if (!at) break;
      from = at[0] + 1;
      if (isNegated(sentence.words, clauseOf, at[0])) continue;
      const lo = Math.max(0, at[0] - READING_REACH);
      const hi = Math.min(sentence.words.length - 1, at[1] + READING_REACH);
      for (let i = lo; i <= hi; i++) {
        if (i >= at[0] && i <= at[1]) continue;
        const word = sentence.words[i]!;
        const span: [number, number] = [Math.min(i, at[0]), Math.max(i, at[1])];
        if (isMeterWord(reading.words, word)) return span;
        if (!/^\d/.test(word)) continue;
        const value = Number.parseFloat(word.replace('dot', '.'));
        if (!Number.isFinite(value)) continue;
        const belowWritten = i > 0 && BELOW_WORDS.has(sentence.words[i - 1]!) || (i > 1 && sentence.words[i - 1] === 'than' && BELOW_WORDS.has(sentence.words[i - 2]!));
        if (rule.atLeast !== undefined && value >= rule.atLeast && !belowWritten) return span;
        if (rule.below !== undefined && (value < rule.below || (belowWritten && value <= rule.below))) return span;
      }
    }
  }
  return undefined;
}

function anyFound(phrases: CompiledWords[], sentence: SentenceTokens): boolean {
  for (const phrase of phrases) if (findPhrase(phrase, sentence) !== undefined) return true;
  return false;
}

/** Whether the word is one of a reading's meter words (HI, LO), each a word alone. */
function isMeterWord(meterWords: CompiledWords[], word: string): boolean {
  for (const w of meterWords) if (w.required.length === 1 && w.required[0]!.word === word) return true;
  return false;
}

/**
 * Where each group of the pattern stands in the sentence (first and last word), 'negated' when it is
 * there only in negated form ("no chest pain"), or undefined.
 */
function findPattern(
  p: CompiledPattern, sentence: SentenceTokens, clauseOf: number[], memo: { compiled: CompiledSet; stamp: number } | undefined,
): [number, number][] | 'negated' | undefined {
  let hits: [number, number][] | undefined;
  let negated = false;
  for (const group of p.groups) {
    let found: GroupFound;
    if (!memo) found = findGroup(group, sentence, clauseOf, { hit: undefined, negated: false });
    // A group in several rules (a concept) is looked for once a sentence, into the set's object for it.
    else if (memo.compiled.groupStamps[group.id] === memo.stamp) found = memo.compiled.groupsFound[group.id]!;
    else {
      found = findGroup(group, sentence, clauseOf, memo.compiled.groupsFound[group.id]!);
      memo.compiled.groupStamps[group.id] = memo.stamp;
    }
    negated ||= found.negated;
    if (!found.hit) return negated ? 'negated' : undefined;
    (hits ??= []).push(found.hit);
  }
  // Words that must go together, one of them denied ("no face droop, arms fine"): the rule is denied.
  return negated && p.groups.length > 1 ? 'negated' : (hits ?? []);
}

/**
 * Where the group's first alternative found not negated stands, and whether any was found negated before it,
 * written to `into`.
 */
function findGroup(group: CompiledGroup, sentence: SentenceTokens, clauseOf: number[], into: GroupFound): GroupFound {
  const { words } = sentence;
  let hit: [number, number] | undefined;
  let negated = false;
  const found = FOUND;
  const { alternatives } = group;
  for (let a = 0; a < alternatives.length; a++) {
    // Most phrasings cannot be in the sentence at all: skip them without looking word by word.
    if (!mayBeIn(group, a, sentence)) continue;
    const alternative = alternatives[a]!;
    for (let from = 0; from < words.length && !hit; ) {
      if (!findPhraseInto(alternative, sentence, from, found)) break;
      // "not" before the words, or between them ("he is not fitting", "face is not drooping").
      if (isNegated(words, clauseOf, found.start) || negatorWithin(words, found, alternative)) negated = true;
      else hit = [found.start, found.end];
      from = found.start + 1;
    }
    if (hit) break;
  }
  into.hit = hit;
  into.negated = negated;
  return into;
}
/** Where findGroup reads each phrasing found (most are passed over: negated, or looked for again further on). */
const FOUND: Span = { start: 0, end: 0 };

/** A sentence as written, its words, each word's clause, and what judging it has worked out (see rememberedIn). */
interface Sentence {
  sentence: string;
  words: string[];
  clauseOf: number[];
  answers: Map<string, boolean> | undefined;
}

/**
 * The sentence and its words, each with the number of its clause: commas and conjunctions start a new one. The
 * parts between commas are normalised in one pass, or (exhaustive) each on its own.
 */
function tokenise(sentence: string, exhaustive: boolean): Sentence {
  const words: string[] = [];
  const clauseOf: number[] = [];
  if (exhaustive) {
    let clause = 0;
    for (const part of sentence.split(',').map(normaliseWords)) {
      for (const word of part) {
        if (CONJUNCTIONS.has(word) && words.length > 0) clause++;
        words.push(word);
        clauseOf.push(clause);
      }
      clause++;
    }
    return { sentence, words, clauseOf, answers: undefined };
  }
  // The same clauses from one pass: each comma before a word, and each conjunction after the first word, is
  // a clause more. clauseOf holds the commas before each word until it is given its clause.
  normaliseWordsByComma(sentence, words, clauseOf);
  let conjunctions = 0;
  for (let i = 0; i < words.length; i++) {
    if (i > 0 && CONJUNCTIONS.has(words[i]!)) conjunctions++;
    clauseOf[i] = clauseOf[i]! + conjunctions;
  }
  return { sentence, words, clauseOf, answers: undefined };
}

/** A negator standing among the words of a phrase that does not itself say "not" ("is not fitting"). */
function negatorWithin(words: string[], { start: from, end: to }: Span, phrase: CompiledWords): boolean {
  if (phrase.required.some((t) => NEGATORS.has(t.word))) return false;
  for (let i = from + 1; i < to; i++) if (NEGATORS.has(words[i]!)) return true;
  return false;
}

function isNegated(words: string[], clauseOf: number[], start: number): boolean {
  for (let i = start - 1; i >= 0 && i >= start - 4; i--) {
    const word = words[i]!;
    if (clauseOf[i] !== clauseOf[start] || CLAUSE_BREAKS.has(word)) return false;
    if (NEGATORS.has(word)) return true;
    if (!NEGATION_FILLERS.has(word)) return false;
  }
  return false;
}

function isQuestion(before: string, sentenceWords: string, sentence: string): boolean {
  if (ANY_QUESTION_CUE.test(before)) return true;
  if (ANY_ASKING_ONLY.test(sentenceWords)) return true;
  // "What are the signs of a stroke?", "what is sepsis": a question whose subject is the red flag itself.
  if (/\b(what is|what are|whats)( an?| the)?$/.test(before)) return true;
  return /\?/.test(sentence) && /^\s*(what|how|when|which|is|are|can|could|should|does|do)\b/i.test(sentence) && /\b(signs?|symptoms?|mean|normal|cause|look like)\b/i.test(sentence);
}
