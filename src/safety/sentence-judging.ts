/**
 * A sentence as the emergency screen reads it (its words and clauses), and the judging of a phrasing found in
 * it: happening now, or set aside as negated, a question, the past or a figure of speech.
 */
import type { FlagMatch, ScreenResult } from './emergency-screen.js';
import type { RedFlag } from './red-flags.js';
import { NEGATORS, type CompiledWords, type Span } from './phrase-matcher.js';
import {
  ANY_ASKING_ONLY, ANY_MESSAGE_ASKS, ANY_QUESTION_CUE, isFigureOfSpeech, isHappeningNow, isLongAgo, isPastOnly, FOUND, isSeenTo, NOW_IN_MESSAGE, STILL_GOING, WELL_AGAIN, withoutNotNow,
} from './screen-cues.js';
import { normaliseWords, normaliseWordsByComma } from './text-normalise.js';

/** Words that may sit between a negator and what it negates ("not having any chest pain"). */
const NEGATION_FILLERS = new Set(['hit', 'her', 'his', 'my', 'banged', 'bumped', 'any', 'have', 'has', 'had', 'got', 'feel', 'feeling', 'having', 'a', 'an', 'the', 'real', 'really', 'more', 'signs', 'sign', 'of', 'symptoms', 'do', 'does', 'did', 'is', 'are', 'was', 'were', 'he', 'she', 'they', 'i', 'it', 'been', 'experiencing', 'noticed', 'seen', 'obvious', 'actual', 'bad', 'much', 'thinking', 'going', 'gonna', 'planning', 'to', 'about', 'want', 'wanting', 'like',
  // Ruling out FAST: "no face droop", "no arm weakness" deny the droop and the weakness.
  'face', 'facial', 'arm', 'arms', 'leg', 'legs', 'speech', 'mouth']);
/** Words that open a new clause. */
const CONJUNCTIONS = new Set(['and', 'but', 'or', 'so', 'though', 'although', 'however', 'because', 'while', 'yet']);
/** Negation does not reach back across these. */
const CLAUSE_BREAKS = new Set(['and', 'but', 'or', 'so', 'though', 'although', 'however', 'because', 'just', 'now', 'then', 'yet', 'while']);

/** What judging a phrasing found reads of the message, and where it writes what it decides. */
export interface MessageJudging {
  matches: FlagMatch[];
  setAside: ScreenResult['setAside'];
  mentioned: FlagMatch[];
  /** The message's words, its "not ... now" phrases left out. */
  whole: string;
  /** What the message says of itself, worked out when a phrasing is first judged (most messages have none). */
  saysNow: boolean | undefined;
  past: boolean | undefined;
  asking: boolean | undefined;
  exhaustive: boolean;
}

/**
 * Whether what was found at `found` is happening now, or set aside as a question, the past or a figure of
 * speech; written to the message's matches, set-asides or mentions.
 */
export function judge(message: MessageJudging, at: Sentence, flag: RedFlag, phrase: string, found: [number, number][], mention = false): void {
  const { sentence, words, clauseOf } = at;
  const { matches, setAside, mentioned, whole } = message;
  // A message that dates itself ("mine was back in 2022") and says nothing of now is about the past.
  const saysNow = (message.saysNow ??= NOW_IN_MESSAGE.test(whole));
  const pastMessage = (message.past ??= !saysNow && isLongAgo(whole));
  // A message that asks about warning signs in general ("what should we look out for?") reports nothing
  // that it does not say is happening now.
  const askingMessage = (message.asking ??= ANY_MESSAGE_ASKS.test(whole));
  let start = Infinity;
  let end = -Infinity;
  for (const [from, to] of found) {
    if (from < start) start = from;
    if (to > end) end = to;
  }
  // What judge reads of the sentence depends only on the clauses or the start it is asked about: worked out
  // once a sentence on the fast path (a long sentence with several phrasings found read them again for each).
  const once = (key: string, test: () => boolean) => (message.exhaustive ? test() : rememberedIn(at, key, test));
  const happeningNow = once(`now ${clauseSpan(clauseOf, start, end)}`, () => isHappeningNow(withoutNotNow(clauseText(at, start, end))));
  // History only when every part is: "transplant 3 weeks ago, temp is 38.6" is a fever now.
  // Or over and seen to, told after it: "had a seizure on tuesday, all back to normal now".
  // What ends an episode depends on the flag as well as on the words after it, so the flag's kind is in the key.
  const endings = endingsOf(flag);
  const resolved = !saysNow && once(`resolved ${end} ${endings.wellEnds} ${endings.foundEnds}`, () => isOverAfter(words.slice(end + 1).join(' '), endings));
  const past = pastMessage || resolved || found.every(([from, to]) => once(`past ${clauseSpan(clauseOf, from, to)}`, () => isPastOnly(clauseText(at, from, to))));
  if (!happeningNow && once('figure', () => isFigureOfSpeech(words.join(' ')))) setAside.push({ phrase, why: 'question' });
  else if (!happeningNow && once(`question ${start}`, () => isQuestion(words.slice(0, start).join(' '), words.join(' '), sentence))) setAside.push({ phrase, why: 'question' });
  else if (!happeningNow && past) setAside.push({ phrase, why: 'past' });
  else if (!happeningNow && askingMessage) setAside.push({ phrase, why: 'question' });
  else if (!happeningNow && mention) mentioned.push({ flag, phrase, by: 'rules' });
  else if (!matches.some((m) => m.flag.id === flag.id)) matches.push({ flag, phrase, by: 'rules' });
}

/** What, besides being seen to, ends an episode of this flag: well again (unless its harm comes later), found. */
interface Endings {
  wellEnds: boolean;
  foundEnds: boolean;
}

function endingsOf(flag: RedFlag): Endings {
  return { wellEnds: !flag.wellIsNotOver, foundEnds: flag.kinds.includes('missing-person') };
}

/** Told as over after the flag, with nothing after it saying it goes on. */
function isOverAfter(after: string, { wellEnds, foundEnds }: Endings): boolean {
  const over = isSeenTo(after) || (wellEnds && WELL_AGAIN.test(after)) || (foundEnds && FOUND.test(after));
  return over && !STILL_GOING.test(withoutNotNow(after));
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

/** A sentence as written, its words, each word's clause, and what judging it has worked out (see rememberedIn). */
export interface Sentence {
  sentence: string;
  words: string[];
  clauseOf: number[];
  answers: Map<string, boolean> | undefined;
}

/**
 * The sentence and its words, each with the number of its clause: commas and conjunctions start a new one. The
 * parts between commas are normalised in one pass, or (exhaustive) each on its own.
 */
export function tokenise(sentence: string, exhaustive: boolean): Sentence {
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
export function negatorWithin(words: string[], { start: from, end: to }: Span, phrase: CompiledWords): boolean {
  for (const t of phrase.required) if (NEGATORS.has(t.word)) return false;
  for (let i = from + 1; i < to; i++) if (NEGATORS.has(words[i]!)) return true;
  return false;
}

/** What "free" after it says is absent: "fit free for two years", "seizure-free", "pain free". */
const FREE_OF = new Set(['fit', 'fits', 'seizure', 'seizures', 'pain', 'symptom', 'symptoms']);

/** "Fit free", "seizure-free": the words found, a seizure or pain, are what is absent. Never across a comma. */
export function saidFree(words: string[], clauseOf: number[], end: number): boolean {
  return words[end + 1] === 'free' && FREE_OF.has(words[end]!) && clauseOf[end + 1] === clauseOf[end];
}

export function isNegated(words: string[], clauseOf: number[], start: number): boolean {
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
