import type { RedFlag, RedFlagSet } from './red-flags.js';
import { editDistance, normaliseWords, stem } from './text-normalise.js';

export interface FlagMatch {
  flag: RedFlag;
  phrase: string;
}

export interface ScreenResult {
  emergency: boolean;
  /** The most urgent advice among the matched flags: 999 beats 111. */
  advice: '999' | '111' | null;
  matches: FlagMatch[];
  /** Phrasings found but set aside as negated, hypothetical or past, kept for tests and audits. */
  setAside: { phrase: string; why: 'negated' | 'question' | 'past' }[];
}

export interface EmergencyScreen {
  screen(text: string): ScreenResult;
}

interface CompiledPhrase {
  flag: RedFlag;
  phrase: string;
  tokens: { word: string; stem: string; optional: boolean }[];
}

/** Little words a phrase may or may not carry ("pain in my chest" = "pain in chest"). */
const OPTIONAL = new Set(['a', 'an', 'the', 'my', 'his', 'her', 'their', 'your', 'of', 'in', 'on', 'to', 'for', 'at', 'with', 'up', 'me', 'him', 'them', 'and', 'over']);
/** How many other words may stand between two words of a phrase. */
const MAX_GAP = 2;
const NEGATORS = new Set(['no', 'not', 'never', 'without', 'denies', 'nor', 'none', 'neither', 'cannot']);
/** Words that may sit between a negator and what it negates ("not having any chest pain"). */
const NEGATION_FILLERS = new Set(['any', 'have', 'has', 'had', 'got', 'feel', 'feeling', 'having', 'a', 'an', 'the', 'real', 'really', 'more', 'signs', 'sign', 'of', 'symptoms', 'do', 'does', 'did', 'is', 'are', 'was', 'were', 'he', 'she', 'they', 'i', 'it', 'been', 'experiencing', 'noticed', 'seen', 'obvious', 'actual', 'bad', 'much']);
/** Words that open a new clause. */
const CONJUNCTIONS = new Set(['and', 'but', 'or', 'so', 'though', 'although', 'however', 'because', 'while', 'yet']);
/** Negation does not reach back across these. */
const CLAUSE_BREAKS = new Set(['and', 'but', 'or', 'so', 'though', 'although', 'however', 'because', 'just', 'now', 'then', 'yet', 'while']);
/** Before a phrasing in its sentence, these make it a question about warning signs or a hypothetical. */
const QUESTION_CUES = [/\bif\b/, /\bsigns?\b/, /\bsymptoms?\b/, /\bwarning\b/, /\bhow (do|would|can|could) (i|you|we) (know|tell|spot|recogni[sz]e)\b/, /\bwhat (is|are|does|do)\b.*\b(mean|like|look)\b/, /\bin case\b/, /\babout\b/, /\bwhat happens\b/, /\bwhen (should|do|to)\b.*\b(call|ring|phone|999|111)\b/, /\bhow to (spot|recogni[sz]e|tell|help|deal)\b/, /\bwhat (should|do|to) (i|we|you)? ?do (if|when)\b/, /\bexplain\b/, /\bleaflet\b/, /\binformation\b/, /\bcould (it|this) be\b.*\?/];
/** In the part of the sentence that holds the red flag, these mean it is happening now. */
const HAPPENING_NOW = /\b(right now|now|at the moment|currently|happening|has just|have just|just (collapsed|fell|started)|started|minutes ago|an hour ago|help me|please help|tonight|today)\b/;
/** "not bleeding now", "I'm fine now": a "now" that says it is not happening. */
const NOT_NOW = /\b(not|no|fine|ok|okay|alright|better)\b(\s+\w+){0,3}?\s+(right )?now\b/g;
/** Long ago, stated anywhere in a message: the message is history unless it also speaks of now. */
const LONG_AGO = /\b(\d+|few|couple of|many|several)? ?years? ago\b|\blast year\b|\bused to\b|\bhistory of\b|\b(back )?in (19|20)\d\d\b/;
const NOW_IN_MESSAGE = /\b(now|right now|at the moment|currently|today|tonight|this (morning|afternoon|evening)|started|just)\b/;
const PAST_ONLY = /\b(\d+|few|couple of|many|several)? ?(years?|months?|weeks?) ago\b|\blast (year|month|week)\b|\bin the past\b|\bused to\b|\bhistory of\b|\bpreviously\b|\b(back )?in (19|20)\d\d\b/;
/** Anywhere in the sentence, these make it a question about warning signs rather than a report. */
const ASKING_ONLY = [
  /\bhow (do|would|can|could|will) (i|you|we) (know|tell)\b/, /\bis (that|it|this) (an emergency|serious|normal)\b/,
  /\bjust (want|wanted|asking|wondering)\b/, /\bdifference between\b/, /\bwhat (does|do) .* mean\b/, /\brecogni[sz]ing\b/,
  /\b(any advice|advice on|information on|info on|tell me about|learn about|read about)\b/,
  /\b(first aid|course|training|class|workshop|talk on|leaflet|support group)\b/,
  /\b(die at home|when the time comes|end of life|palliative|hospice)\b/,
  /\b(run|runs|running) in (my|the|our) family\b/,
  /\bwhen (should|do|would|to) ((i|we|you) )?(call|ring|phone|dial)\b/,
];
/** Figures of speech that borrow red-flag words: "collapsed with laughter", "nearly choked on my coffee". */
const FIGURE_OF_SPEECH = /\b(laugh|laughed|laughing|laughter|nearly choked|joke|joking|overdid it)\b/;

export function createEmergencyScreen(currentFlags: () => RedFlagSet): EmergencyScreen {
  const compiled = new WeakMap<RedFlagSet, CompiledPhrase[]>();
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

function compile(set: RedFlagSet): CompiledPhrase[] {
  return set.flags.flatMap((flag) =>
    flag.phrases.map((phrase) => ({
      flag,
      phrase,
      tokens: normaliseWords(phrase).map((word) => ({ word, stem: stem(word), optional: OPTIONAL.has(word) })),
    })),
  );
}

function screenText(text: string, phrases: CompiledPhrase[]): ScreenResult {
  const matches: FlagMatch[] = [];
  const setAside: ScreenResult['setAside'] = [];
  // A message that dates itself ("mine was back in 2022") and says nothing of now is about the past.
  const whole = normaliseWords(text).join(' ').replace(NOT_NOW, '');
  const pastMessage = LONG_AGO.test(whole);
  for (const sentence of text.split(/[.!;\n]+|\?(?=\s|$)/)) {
    const { words, clauseOf } = tokenise(sentence);
    if (words.length === 0) continue;
    const stems = words.map(stem);
    for (const p of phrases) {
      const found = findPhrase(p, words, stems);
      if (!found) continue;
      const [start, end] = found;
      // The clauses the phrasing stands in: "he had chest pain last month, and now..." is about last month.
      const around = words.filter((_, i) => clauseOf[i]! >= clauseOf[start]! && clauseOf[i]! <= clauseOf[end]!).join(' ');
      const happeningNow = HAPPENING_NOW.test(around.replace(NOT_NOW, ''));
      if (isNegated(words, clauseOf, start)) setAside.push({ phrase: p.phrase, why: 'negated' });
      else if (!happeningNow && FIGURE_OF_SPEECH.test(words.join(' '))) setAside.push({ phrase: p.phrase, why: 'question' });
      else if (!happeningNow && isQuestion(words.slice(0, start).join(' '), words.join(' '), sentence)) setAside.push({ phrase: p.phrase, why: 'question' });
      else if (!happeningNow && (PAST_ONLY.test(around) || (pastMessage && !NOW_IN_MESSAGE.test(whole)))) setAside.push({ phrase: p.phrase, why: 'past' });
      else if (!matches.some((m) => m.flag.id === p.flag.id)) matches.push({ flag: p.flag, phrase: p.phrase });
    }
  }
  const advice = matches.length === 0 ? null : matches.some((m) => m.flag.advice === '999') ? '999' : '111';
  return { emergency: matches.length > 0, advice, matches, setAside };
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

/** Indexes of the first and last words of the phrase in the sentence, or undefined. */
function findPhrase(p: CompiledPhrase, words: string[], stems: string[]): [number, number] | undefined {
  const required = p.tokens.filter((t) => !t.optional);
  if (required.length === 0) return undefined;
  for (let start = 0; start < words.length; start++) {
    if (!sameWord(required[0]!, words[start]!, stems[start]!)) continue;
    let at = start;
    let ok = true;
    for (const [k, token] of required.slice(1).entries()) {
      let found = -1;
      // "not breathing" may be "not really breathing", but never "not short of breath".
      const gap = NEGATORS.has(required[k]!.word) ? 1 : MAX_GAP;
      for (let j = at + 1; j <= Math.min(words.length - 1, at + 1 + gap); j++) {
        if (sameWord(token, words[j]!, stems[j]!)) {
          found = j;
          break;
        }
      }
      if (found < 0) {
        ok = false;
        break;
      }
      at = found;
    }
    if (ok) return [start, at];
  }
  return undefined;
}

/** Same stem, or one slip of the keyboard in a longer word that keeps its first letter. */
function sameWord(token: { word: string; stem: string }, word: string, wordStem: string): boolean {
  if (token.stem === wordStem || token.word === word) return true;
  if (token.word.length < 4 || word.length < 4 || /\d/.test(token.word) || token.word[0] !== word[0]) return false;
  const allowed = token.word.length >= 10 ? 2 : 1;
  if (editDistance(token.word, word, allowed) <= allowed) return true;
  // Stems of four letters or more only: "wee" and "we" are one letter apart but nothing alike.
  return token.stem.length >= 4 && wordStem.length >= 4 && editDistance(token.stem, wordStem, allowed) <= allowed;
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
  if (/\b(what|whats) (is|are)( an?| the)?$/.test(before)) return true;
  return /\?/.test(sentence) && /^\s*(what|how|when|which|is|are|can|could|should|does|do)\b/i.test(sentence) && /\b(signs?|symptoms?|mean|normal|cause|look like)\b/i.test(sentence);
}
