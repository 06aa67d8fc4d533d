import type { RedFlag, RedFlagSet } from './red-flags.js';
import { CLASSIFIER_FLAG, type ClassifierWord, type RiskVerdict } from './risk-classifier.js';
import { findPhraseInto, PhraseCompiler, SentenceTokens, type Token, type TokenIndex } from './phrase-matcher.js';
import { ABOUT_OTHERS, ABOUT_SELF, hasWordsOfLetters, withoutNotNow } from './screen-cues.js';
import { markDecimals, normaliseWords, wordsWithoutDecimalMarks } from './text-normalise.js';
import { alternativesOf, findPattern, findReading, FOUND, mayBeIn, type Alternatives, type CompiledGroup, type CompiledPattern, type CompiledReading, type GroupFound } from './flag-patterns.js';
import { judge, tokenise, type MessageJudging } from './sentence-judging.js';

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
const MIN_WORDS_FOR_CLASSIFIER = 3;
/** Below this many words, with no risk words, the classifier alone asks rather than raises. */
const CLASSIFIER_ALONE_MIN_WORDS = 6;

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
  const tokens = compiler.index(set.spelledAsMeant);
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
  const wordsAsWritten = exhaustive ? normaliseWords(text)
    : decimalsMarked === text ? messageWords
    : (wordsWithoutDecimalMarks(text, messageWords) ?? normaliseWords(text));
  const whole = withoutNotNow(wordsAsWritten.join(' '));
  const judging: MessageJudging = { matches, setAside, mentioned, whole, saysNow: undefined, past: undefined, asking: undefined, exhaustive };
  /** The message's words as the classifier reads them (fast path), sentence after sentence, as messageWords. */
  const classifierWords: ClassifierWord[] = [];
  for (const at of sentences) {
    const { words, clauseOf } = at;
    if (words.length === 0) continue;
    let tokens: SentenceTokens;
    if (exhaustive) tokens = SentenceTokens.scanned(words, compiled.tokens.spelledAsMeant);
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
  let classifierAsks = false;
  if (classifier) {
    const features = exhaustive ? undefined : classifier.knownFeaturesOfRead(classifierWords);
    const score = features ? classifier.scoreKnown(features) : classifier.score(text);
    scored = { score, verdict: classifier.verdict(score) };
    // A condition named without "now" is reported when the classifier is not sure the message is calm.
    if (scored.verdict !== 'calm') for (const m of mentioned) if (!matches.some((x) => x.flag.id === m.flag.id)) matches.push(m);
    // Either detector can raise; neither can lower what the other found.
    // Its guess at the kind is for the co-ordinators only: advice must not rest on a guess ("do not eat
    // anything high in potassium" for a kind it got wrong), so the person gets the general instruction.
    if (matches.length === 0 && scored.verdict === 'raise') {
      // Alone, on a short message with no risk words ("she has type 2", "my mum is diabetic"), its raise rests
      // on little more than who is spoken of: the check question is asked instead (and a person looks).
      if (!risk && !hasWordsOfLetters(whole, CLASSIFIER_ALONE_MIN_WORDS)) classifierAsks = true;
      else matches.push({ flag: CLASSIFIER_FLAG, phrase: `(classifier; most like: ${(features ? classifier.kindOfKnown(features) : classifier.libraryKindOf(text)) ?? 'unknown'})`, by: 'classifier' });
    }
  }
  else matches.push(...mentioned.filter((m, i) => mentioned.findIndex((x) => x.flag.id === m.flag.id) === i && !matches.some((x) => x.flag.id === m.flag.id)));
  if (mentioned.length > 0 && matches.length === 0) setAside.push(...mentioned.map((m) => ({ phrase: m.phrase, why: 'question' as const })));
  risk ||= matches.length > 0 || setAside.length > 0;
  const advice = matches.length === 0 ? null : matches.some((m) => m.flag.advice === '999') ? '999' : '111';
  const emergency = matches.length > 0;
  // Not confident either way: the check question is asked (risk words, and the classifier not sure it is calm).
  // A message the rules read as a question about warning signs has had its answer; the safety-net line follows.
  const askedAbout = setAside.some((x) => x.why === 'question');
  const uncertain = classifierAsks || (!emergency && risk && !askedAbout && (scored ? scored.verdict !== 'calm' : false));
  return { emergency, advice, matches, setAside, risk, uncertain, classifier: scored, aboutOthers: ABOUT_OTHERS.test(whole) && !ABOUT_SELF.test(whole) };
}
