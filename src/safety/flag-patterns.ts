/**
 * How the emergency screen finds a red flag's phrasings, `together` rules and readings in one sentence's
 * tokens: where each stands, and whether it is there only negated ("no chest pain").
 */
import type { Reading, RedFlag } from './red-flags.js';
import { findPhrase, findPhraseInto, type CompiledWords, type SentenceTokens, type Span, type Token } from './phrase-matcher.js';
import { isNegated, negatorWithin, saidFree } from './sentence-judging.js';

/**
 * One way a red flag is recognised: a phrasing (one group, one alternative), or a `together` rule whose
 * every group must be present in the same sentence ("hypo" with "not making sense").
 */
export interface CompiledPattern {
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
export interface CompiledGroup extends Alternatives {
  id: number;
}

/** Phrasings, any of which will do, with each one's first letters and first word side by side: most are passed over on these alone. */
export interface Alternatives {
  alternatives: CompiledWords[];
  initials: Int32Array;
  firstWords: (Token | undefined)[];
}

export function alternativesOf(alternatives: CompiledWords[]): Alternatives {
  return { alternatives, initials: Int32Array.from(alternatives, (a) => a.initials), firstWords: alternatives.map((a) => a.required[0]) };
}

/** Whether the alternative may be in the sentence: its first letters are, and its first word (findPhrase needs both). */
export function mayBeIn(of: Alternatives, a: number, sentence: SentenceTokens): boolean {
  if ((of.initials[a]! & ~sentence.initials) !== 0) return false;
  const first = of.firstWords[a];
  return first !== undefined && sentence.has(first);
}

/** What a sentence holds of a group: where its first alternative found stands, and whether one was negated. */
export interface GroupFound {
  hit: [number, number] | undefined;
  negated: boolean;
}

/** A reading rule: a measure's words, a number or meter word within READING_REACH words of it. */
export interface CompiledReading {
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

/** Where a reading rule is met in the sentence (its measure to its number), or undefined. */
export function findReading(reading: CompiledReading, sentence: SentenceTokens, clauseOf: number[]): [number, number] | undefined {
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

/** What the sentence read last holds of each group (by id), good where its stamp is that sentence's. */
interface GroupsFound {
  groupsFound: GroupFound[];
  groupStamps: Float64Array;
}

/**
 * Where each group of the pattern stands in the sentence (first and last word), 'negated' when it is
 * there only in negated form ("no chest pain"), or undefined.
 */
export function findPattern(
  p: CompiledPattern, sentence: SentenceTokens, clauseOf: number[], memo: { compiled: GroupsFound; stamp: number } | undefined,
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
      if (isNegated(words, clauseOf, found.start) || negatorWithin(words, found, alternative) || saidFree(words, clauseOf, found.end)) negated = true;
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
export const FOUND: Span = { start: 0, end: 0 };
