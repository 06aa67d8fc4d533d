import type { Reading, RedFlag, RedFlagSet } from './red-flags.js';
import { CLASSIFIER_FLAG, type RiskVerdict } from './risk-classifier.js';
import { editDistance, normaliseWords, stem } from './text-normalise.js';

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

/** A word of a phrasing; one for each distinct word in the set (by id), so a sentence looks for it once. */
type Token = { id: number; word: string; stem: string; numeric: boolean; hasDigit: boolean; strict: boolean };
/**
 * The words a phrasing needs, how many other words may stand before each (see MAX_GAP), and their first
 * letters as bits (see initialBits): a word can only match one with the same first letter, so a phrasing
 * whose letters the sentence lacks is passed over at once.
 */
type CompiledWords = { required: Token[]; gaps: number[]; initials: number };

/**
 * One way a red flag is recognised: a phrasing (one group, one alternative), or a `together` rule whose
 * every group must be present in the same sentence ("hypo" with "not making sense").
 */
interface CompiledPattern {
  flag: RedFlag;
  phrase: string;
  groups: CompiledWords[][];
  /** A name of the condition: it needs the present tense or the classifier's doubt (see the red flags file). */
  mention?: boolean;
}

/** A reading rule: a measure's words, a number or meter word within READING_REACH words of it. */
interface CompiledReading {
  flag: RedFlag;
  rule: Reading;
  measure: CompiledWords[];
  words: CompiledWords[];
  with: CompiledWords[];
}
/** How far a reading's number may stand from its measure ("potassium came back at 6.9"). */
const READING_REACH = 4;
/** "under 3", "less than 3": the reading is below the number written. */
const BELOW_WORDS = new Set(['under', 'below', 'less', 'lower']);

/** Little words a phrase may or may not carry ("pain in my chest" = "pain in chest"). */
const OPTIONAL = new Set(['a', 'an', 'the', 'my', 'his', 'her', 'their', 'your', 'of', 'in', 'on', 'to', 'for', 'at', 'with', 'up', 'me', 'him', 'them', 'and', 'over']);
/** Risk words shorter than this match only as written (or by stem), never with a typo. */
const STRICT_TYPO_LENGTH = 6;
/** How many other words may stand between two words of a phrase. */
const MAX_GAP = 2;
const NEGATORS = new Set(['no', 'not', 'never', 'without', 'denies', 'nor', 'none', 'neither', 'cannot']);
/** Words that may sit between a negator and what it negates ("not having any chest pain"). */
const NEGATION_FILLERS = new Set(['hit', 'her', 'his', 'my', 'banged', 'bumped', 'any', 'have', 'has', 'had', 'got', 'feel', 'feeling', 'having', 'a', 'an', 'the', 'real', 'really', 'more', 'signs', 'sign', 'of', 'symptoms', 'do', 'does', 'did', 'is', 'are', 'was', 'were', 'he', 'she', 'they', 'i', 'it', 'been', 'experiencing', 'noticed', 'seen', 'obvious', 'actual', 'bad', 'much', 'thinking', 'going', 'gonna', 'planning', 'to', 'about', 'want', 'wanting', 'like']);
/** Words that open a new clause. */
const CONJUNCTIONS = new Set(['and', 'but', 'or', 'so', 'though', 'although', 'however', 'because', 'while', 'yet']);
/** Negation does not reach back across these. */
const CLAUSE_BREAKS = new Set(['and', 'but', 'or', 'so', 'though', 'although', 'however', 'because', 'just', 'now', 'then', 'yet', 'while']);
/** Before a phrasing in its sentence, these make it a question about warning signs or a hypothetical. */
const QUESTION_CUES = [/(?<!(sure|know|wondering|unsure|wonder|see) )\bif\b/, /\bsigns?\b/, /\bsymptoms?\b/, /\bwarning\b/, /\bhow (do|would|can|could) (i|you|we) (know|tell|spot|recogni[sz]e)\b/, /\bwhat (is|are|does|do)\b.*\b(mean|like|look)\b/, /\bin case\b/, /\bwhat happens\b/, /\bwhen (should|do|to)\b.*\b(call|ring|phone|999|111)\b/, /\bhow to (spot|recogni[sz]e|tell|help|deal)\b/, /\bwhat (should|do|to) (i|we|you)? ?do (if|when)\b/, /\bexplain\b/, /\bleaflet\b/, /\binformation\b/, /\bcould (it|this) be\b.*\?/];
/** In the part of the sentence that holds the red flag, these mean it is happening now. */
const HAPPENING_NOW = /\b(right now|now|at the moment|currently|happening|has just|have just|just (collapsed|fell|started)|started|minutes ago|an hour ago|help me|please help|tonight|today)\b/;
/** "not bleeding now", "I'm fine now": a "now" that says it is not happening. */
const NOT_NOW = /\b(not|no|fine|ok|okay|alright|better|safe|well|settled|calm|calmer|cleared|gone|passed|stopped|over|sorted|recovered)\b(\s+\w+){0,3}?\s+(right )?now\b/g;
/** Long ago, stated anywhere in a message: the message is history unless it also speaks of now. */
const LONG_AGO = /\b(been fine since|fine since|since then)\b|\b(\d+|few|couple of|many|several)? ?years? ago\b|\bused to\b|\bhistory of\b|\b(back )?in (19|20)\d\d\b/;
const NOW_IN_MESSAGE = /\b(now|right now|at the moment|currently|today|tonight|this (morning|afternoon|evening)|started|just)\b/;
const PAST_ONLY = /\b(been fine since|fine since|since then|recovered)\b|\blast (monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend)\b|\b(\d+|few|couple of|many|several)? ?(years?|months?|weeks?) ago\b|\blast (year|month|week)\b|\bin the past\b|\bused to\b|\bhistory of\b|\bpreviously\b|\b(back )?in (19|20)\d\d\b/;
/** Anywhere in the sentence, these make it a question about warning signs rather than a report. */
const ASKING_ONLY = [
  /\bhow (do|would|can|could|will) (i|you|we) (know|tell)\b/, /\bis (that|it|this) (an emergency|serious|normal)\b/,
  /\bjust (want|wanted|asking|wondering)\b/, /\bdifference between\b/, /\bwhat (does|do) .* mean\b/, /\brecogni[sz]ing\b/,
  /\b(any advice|advice on|information on|info on|tell me about|learn about|read about)\b/,
  /\b(first aid|course|training|class|workshop|talk on|leaflet|support group)\b/,
  /\b(die at home|when the time comes|end of life|palliative|hospice)\b/,
  /\b(reading up|want to know|what to watch for|what to look out for|just curious)\b/,
  /\b(can|could|does|do|would) [\w ]{1,30} cause\b/, /\b(in the film|in a film|on tv|on the telly|in a book)\b/,
  /\b(if it ever|one day|in future|in the future|i will|worried i will)\b/, /\bhow (much|many)\b.*\b(would|is|be|too)\b/,
  /\b(what|which|when|how) [\w ]{0,30}(should|do) (i|we) (ring|call|phone|contact|worry)\b/,
  /\b(run|runs|running) in (my|the|our) family\b/,
  /\bwhat (does|do|would|is|are|will) [\w ]{1,40} (feel|look|sound) like\b/, /\bhow (i|we|you) (know|tell)\b/, /\bhow long\b.*\bbefore\b/, /\bbefore (i|we|you) (call|ring|phone)\b/,
  /\bwhen (should|do|would|to) ((i|we|you) )?(call|ring|phone|dial)\b/,
];
const MIN_WORDS_FOR_CLASSIFIER = 3;
/** The person it is about, for what to do meanwhile: someone with them, or themselves. */
const ABOUT_OTHERS = /\b(he|she|they|him|her|his|my (mum|mam|mom|mother|dad|father|husband|wife|partner|son|daughter|child|baby|boy|girl|nan|nana|gran|granny|grandad|grandma|grandpa|brother|sister|friend|neighbour|patient|auntie|uncle)|mum|dad|nan|grandad|the patient|resident|client)\b/;
const ABOUT_SELF = /\b(i am|i have|i cannot|i can not|i feel|i took|i have taken|my chest|i think i am|me)\b/;
/** Anywhere in the message, these make it a question about warning signs in general. */
const MESSAGE_ASKS = [
  /\bwhat (sort of |kind of )?(things|signs|symptoms)\b[\w ]{0,30}\b(should|do|would|to)\b/, /\bwhat should (i|we) (be )?(look|looking|watch|watching) (out )?for\b/,
  /\bhow (would|do|will|can|could) (i|we|you) (know|tell|spot)\b/, /\bcould you explain\b/, /\bwhat (is|are) (it|they) exactly\b/,
  /\bwhat happens if\b/, /\bwhat (should|do) (i|we) do if\b/, /\banything (we|i) should (watch|look) (out )?for\b/,
  /\bwhat signs\b/, /\bbefore anything happens\b/, /\bif it ever\b/,
];
/** Figures of speech that borrow red-flag words: "collapsed with laughter", "nearly choked on my coffee". */
const FIGURE_OF_SPEECH = /\b((with|from|of) laughter|laugh(ed|ing)? (so|too) (much|hard)|laughing|lol|lmao|haha|nearly choked|joke|joking|overdid it|hazard|snores?|snoring|blood (is )?boiling|(would|will|going to) have (a|kittens|a fit) (if|when)|(fit|attack|stroke) (bc|because|cos|coz) (i|my|he|she|of)|choking on the (price|cost|bill)|banging (my|your|our) head (against|on)|nearly had a heart attack|lowkey|literally dying|dead 💀)\b|😂|🤣|💀/u;

export function createEmergencyScreen(currentFlags: () => RedFlagSet): EmergencyScreen {
  const compiled = new WeakMap<RedFlagSet, CompiledSet>();
  const phrasesOf = (set: RedFlagSet) => {
    let phrases = compiled.get(set);
    if (!phrases) {
      phrases = compile(set);
      compiled.set(set, phrases);
    }
    return phrases;
  };
  return { screen: (text) => screenText(text, phrasesOf(currentFlags())) };
}

interface CompiledSet {
  patterns: CompiledPattern[];
  readings: CompiledReading[];
  riskWords: CompiledWords[];
  source: RedFlagSet;
  /**
   * Each pattern's first letters needed whichever alternatives match (see needsOf), side by side: most
   * patterns are passed over on this alone, and the loop that does it reads only this array.
   */
  needs: Int32Array;
}

function compile(set: RedFlagSet): CompiledSet {
  const tokens = new Map<string, Token>();
  const token = (word: string, strict: boolean): Token => {
    const key = strict ? `=${word}` : word;
    let known = tokens.get(key);
    if (!known) {
      known = { id: tokens.size, word, stem: stem(word), numeric: /^\d+$/.test(word), hasDigit: /\d/.test(word), strict };
      tokens.set(key, known);
    }
    return known;
  };
  // `strict`: a short word takes no typo (risk words are a wide net: "paid" must not be "pain").
  const words = (phrase: string, strict = false): CompiledWords => {
    const required = normaliseWords(phrase).filter((word) => !OPTIONAL.has(word)).map((w) => token(w, strict));
    // "not breathing" may be "not really breathing", but never "not short of breath".
    const gaps = required.map((_, k) => (k > 0 && NEGATORS.has(required[k - 1]!.word) ? 1 : MAX_GAP));
    return { required, gaps, initials: initialBits(required.map((t) => t.word)) };
  };
  const patterns = set.flags.flatMap((flag) => [
    ...flag.phrases.map((phrase) => ({ flag, phrase, groups: [[words(phrase)]] })),
    ...flag.mentions.map((phrase) => ({ flag, phrase, groups: [[words(phrase)]], mention: true })),
    ...flag.together.map((groups) => ({
      flag,
      phrase: groups.map((g) => g[0]).join(' + '),
      groups: groups.map((group) => group.map((w) => words(w))),
    })),
  ]);
  const readings = set.flags.flatMap((flag) =>
    flag.readings.map((rule) => ({ flag, rule, measure: rule.measure.map((w) => words(w)), words: rule.words.map((w) => words(w)), with: rule.with.map((w) => words(w)) })),
  );
  return { patterns, needs: Int32Array.from(patterns, needsOf), readings, riskWords: set.riskWords.map((w) => words(w, true)), source: set };
}

/** The first letters a pattern needs whichever of each group's alternatives matches. */
function needsOf(p: CompiledPattern): number {
  return p.groups.reduce((all, group) => all | group.reduce((common, alt) => common & alt.initials, ~0), 0);
}

/** One bit for each letter a word starts with (a to z), and one for any digit. */
function initialBits(words: string[]): number {
  let bits = 0;
  for (const word of words) {
    const letter = word.charCodeAt(0) - 97;
    bits |= 1 << (letter >= 0 && letter < 26 ? letter : 26);
  }
  return bits;
}

function screenText(text: string, compiled: CompiledSet): ScreenResult {
  const { patterns, needs, readings, riskWords, source } = compiled;
  const matches: FlagMatch[] = [];
  const setAside: ScreenResult['setAside'] = [];
  /** Names of conditions, not said to be happening now: they wait for the classifier's view. */
  const mentioned: FlagMatch[] = [];
  let risk = false;
  // A message that dates itself ("mine was back in 2022") and says nothing of now is about the past.
  const whole = normaliseWords(text).join(' ').replace(NOT_NOW, '');
  const pastMessage = LONG_AGO.test(whole) && !NOW_IN_MESSAGE.test(whole);
  // A message that asks about warning signs in general ("what should we look out for?") reports nothing
  // that it does not say is happening now.
  const askingMessage = MESSAGE_ASKS.some((cue) => cue.test(whole));
  // "1.9" is a number, not the end of a sentence; each sentence keeps its closing "?" (it marks a question).
  const sentences = text.replace(/(\d)\.(\d)/g, '$1dot$2').match(/[^.!?;\n]+[.!?;\n]*/g) ?? [];
  for (const sentence of sentences) {
    const { words, clauseOf } = tokenise(sentence);
    if (words.length === 0) continue;
    const tokens = new SentenceTokens(words);
    const lacking = ~tokens.initials;
    /** Whether what was found at `found` is happening now, or set aside as a question, the past or a figure of speech. */
    const judge = (flag: RedFlag, phrase: string, found: [number, number][], mention = false) => {
      const start = Math.min(...found.map((h) => h[0]));
      const end = Math.max(...found.map((h) => h[1]));
      // The clauses the words stand in: "he had chest pain last month, and now..." is about last month.
      const clauseText = (from: number, to: number) =>
        words.filter((_, i) => clauseOf[i]! >= clauseOf[from]! && clauseOf[i]! <= clauseOf[to]!).join(' ');
      const around = clauseText(start, end);
      const happeningNow = HAPPENING_NOW.test(around.replace(NOT_NOW, ''));
      // History only when every part is: "transplant 3 weeks ago, temp is 38.6" is a fever now.
      const past = pastMessage || found.every(([from, to]) => PAST_ONLY.test(clauseText(from, to)));
      if (!happeningNow && FIGURE_OF_SPEECH.test(words.join(' '))) setAside.push({ phrase, why: 'question' });
      else if (!happeningNow && isQuestion(words.slice(0, start).join(' '), words.join(' '), sentence)) setAside.push({ phrase, why: 'question' });
      else if (!happeningNow && past) setAside.push({ phrase, why: 'past' });
      else if (!happeningNow && askingMessage) setAside.push({ phrase, why: 'question' });
      else if (!happeningNow && mention) mentioned.push({ flag, phrase, by: 'rules' });
      else if (!matches.some((m) => m.flag.id === flag.id)) matches.push({ flag, phrase, by: 'rules' });
    };
    for (let i = 0; i < patterns.length; i++) {
      if ((needs[i]! & lacking) !== 0) continue;
      const p = patterns[i]!;
      const found = findPattern(p, tokens, clauseOf);
      if (!found) continue;
      if (found === 'negated') setAside.push({ phrase: p.phrase, why: 'negated' });
      else judge(p.flag, p.phrase, found, p.mention);
    }
    for (const reading of readings) {
      const found = findReading(reading, tokens, clauseOf);
      if (found) judge(reading.flag, `${reading.rule.measure[0]} reading`, [found]);
    }
    if (!risk) risk = riskWords.some((w) => (w.initials & lacking) === 0 && findPhrase(w, tokens) !== undefined);
  }
  // Answers of a word or two (a name, a date of birth, "yes", "2") give the classifier too little to go
  // on; the concept rules alone screen them.
  const classifier = (whole.match(/[a-z]{2,}/g)?.length ?? 0) >= MIN_WORDS_FOR_CLASSIFIER ? source.classifier : undefined;
  let scored: ScreenResult['classifier'];
  if (classifier) {
    const score = classifier.score(text);
    scored = { score, verdict: classifier.verdict(score) };
    // A condition named without "now" is reported when the classifier is not sure the message is calm.
    if (scored.verdict !== 'calm') for (const m of mentioned) if (!matches.some((x) => x.flag.id === m.flag.id)) matches.push(m);
    // Either detector can raise; neither can lower what the other found.
    // Its guess at the kind is for the co-ordinators only: advice must not rest on a guess ("do not eat
    // anything high in potassium" for a kind it got wrong), so the person gets the general instruction.
    if (matches.length === 0 && scored.verdict === 'raise') matches.push({ flag: CLASSIFIER_FLAG, phrase: `(classifier; most like: ${classifier.kindOf(text) ?? 'unknown'})`, by: 'classifier' });
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

/** Where a reading rule is met in the sentence (its measure to its number), or undefined. */
function findReading(reading: CompiledReading, sentence: SentenceTokens, clauseOf: number[]): [number, number] | undefined {
  const { rule } = reading;
  if (reading.with.length > 0 && !reading.with.some((w) => findPhrase(w, sentence) !== undefined)) return undefined;
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
        if (reading.words.some((w) => w.required.length === 1 && w.required[0]!.word === word)) return span;
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

/**
 * Where each group of the pattern stands in the sentence (first and last word), 'negated' when it is
 * there only in negated form ("no chest pain"), or undefined.
 */
function findPattern(p: CompiledPattern, sentence: SentenceTokens, clauseOf: number[]): [number, number][] | 'negated' | undefined {
  const { words, initials } = sentence;
  const hits: [number, number][] = [];
  let negated = false;
  for (const group of p.groups) {
    let hit: [number, number] | undefined;
    for (const alternative of group) {
      // Most phrasings cannot be in the sentence at all: skip them without looking word by word.
      if ((alternative.initials & ~initials) !== 0) continue;
      for (let from = 0; from < words.length && !hit; ) {
        const found = findPhrase(alternative, sentence, from);
        if (!found) break;
        // "not" before the words, or between them ("he is not fitting", "face is not drooping").
        if (isNegated(words, clauseOf, found[0]) || negatorWithin(words, found, alternative)) negated = true;
        else hit = found;
        from = found[0] + 1;
      }
      if (hit) break;
    }
    if (!hit) return negated ? 'negated' : undefined;
    hits.push(hit);
  }
  // Words that must go together, one of them denied ("no face droop, arms fine"): the rule is denied.
  return negated && p.groups.length > 1 ? 'negated' : hits;
}

/** Words of a sentence, each with the number of its clause: commas and conjunctions start a new one. */
function tokenise(sentence: string): { words: string[]; clauseOf: number[] } {
  const words: string[] = [];
  const clauseOf: number[] = [];
  let clause = 0;
  for (const part of sentence.split(',')) {
    for (const word of normaliseWords(part)) {
      if (CONJUNCTIONS.has(word) && words.length > 0) clause++;
      words.push(word);
      clauseOf.push(clause);
    }
    clause++;
  }
  return { words, clauseOf };
}

/**
 * A sentence's words, and which of them match each phrasing word: worked out at most once a sentence for a
 * word however many phrasings share it ("chest", "not", "breath"), and only among the sentence's words with
 * the same first letter as a word or as a stem, since sameWord can match no other.
 */
class SentenceTokens {
  readonly stems: string[];
  readonly initials: number;
  /** The words (by index) that start with each character, as a word or as a stem (by character code). */
  private readonly byInitial: number[][] = [];
  private readonly matching = new Map<number, number[]>();

  /** How many of the words before each index are little words a phrase may or may not carry (OPTIONAL). */
  private readonly optionalBefore: Int32Array;

  constructor(readonly words: string[]) {
    this.optionalBefore = new Int32Array(words.length + 1);
    words.forEach((word, i) => (this.optionalBefore[i + 1] = this.optionalBefore[i]! + (OPTIONAL.has(word) ? 1 : 0)));
    this.stems = words.map(stem);
    this.initials = initialBits(words);
    words.forEach((word, i) => {
      this.index(word.charCodeAt(0), i);
      if (this.stems[i]!.charCodeAt(0) !== word.charCodeAt(0)) this.index(this.stems[i]!.charCodeAt(0), i);
    });
  }

  /**
   * The last index the next word of a phrase may stand at after `at`, `gap` other words allowed between;
   * little words ("in the", "of my") do not count, so "not in the house" is "not ... house" one word apart.
   */
  reach(at: number, gap: number): number {
    let to = at + 1 + gap;
    while (to < this.words.length && this.optionalBefore[to]! - this.optionalBefore[at + 1]! > to - (at + 1 + gap)) to++;
    return to;
  }

  /** Where the token stands in the sentence: the indexes of the words it matches, in order. */
  positions(token: Token): number[] {
    let found = this.matching.get(token.id);
    if (!found) {
      found = [];
      const initial = token.word.charCodeAt(0);
      const stemInitial = token.stem.charCodeAt(0);
      let candidates = this.byInitial[initial];
      if (stemInitial !== initial && this.byInitial[stemInitial]) {
        candidates = [...new Set([...(candidates ?? []), ...this.byInitial[stemInitial]!])].sort((a, b) => a - b);
      }
      for (const i of candidates ?? []) if (sameWord(token, this.words[i]!, this.stems[i]!)) found.push(i);
      this.matching.set(token.id, found);
    }
    return found;
  }

  private index(initial: number, i: number): void {
    const at = this.byInitial[initial];
    if (at) at.push(i);
    else this.byInitial[initial] = [i];
  }
}

/** Indexes of the first and last words of the phrase in the sentence, searching from `from`, or undefined. */
function findPhrase(phrase: CompiledWords, sentence: SentenceTokens, from = 0): [number, number] | undefined {
  const { required, gaps } = phrase;
  if (required.length === 0) return undefined;
  for (const start of sentence.positions(required[0]!)) {
    if (start < from) continue;
    let at = start;
    for (let k = 1; k < required.length && at >= 0; k++) at = firstBetween(sentence.positions(required[k]!), at + 1, sentence.reach(at, gaps[k]!));
    if (at >= 0) return [start, at];
  }
  return undefined;
}

/** The first position from `from` to `to`, or -1. */
function firstBetween(positions: number[], from: number, to: number): number {
  for (const position of positions) {
    if (position > to) break;
    if (position >= from) return position;
  }
  return -1;
}

/** Same stem, or one slip of the keyboard in a longer word that keeps its first letter. */
function sameWord(token: Token, word: string, wordStem: string): boolean {
  if (token.stem === wordStem || token.word === word) return true;
  // "39" in a rule matches a reading of "39.2" (written 39dot2 by then), never "0.4" for "4".
  if (token.numeric) return word.startsWith(`${token.word}dot`);
  if (token.word.length < (token.strict ? STRICT_TYPO_LENGTH : 4) || word.length < 4 || token.hasDigit || token.word[0] !== word[0]) return false;
  const allowed = token.word.length >= 10 ? 2 : 1;
  if (editDistance(token.word, word, allowed) <= allowed) return true;
  // Longer stems only: "wee" and "we", or "drop" and "drip", are one letter apart but nothing alike.
  return token.stem.length >= 6 && wordStem.length >= 6 && editDistance(token.stem, wordStem, allowed) <= allowed;
}

/** A negator standing among the words of a phrase that does not itself say "not" ("is not fitting"). */
function negatorWithin(words: string[], [from, to]: [number, number], phrase: CompiledWords): boolean {
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
  if (QUESTION_CUES.some((cue) => cue.test(before))) return true;
  if (ASKING_ONLY.some((cue) => cue.test(sentenceWords))) return true;
  // "What are the signs of a stroke?", "what is sepsis": a question whose subject is the red flag itself.
  if (/\b(what is|what are|whats)( an?| the)?$/.test(before)) return true;
  return /\?/.test(sentence) && /^\s*(what|how|when|which|is|are|can|could|should|does|do)\b/i.test(sentence) && /\b(signs?|symptoms?|mean|normal|cause|look like)\b/i.test(sentence);
}
