import { editDistance, normaliseWords, stem } from './text-normalise.js';

/** A word of a phrasing; one for each distinct word in the set (by id), so a sentence looks for it once. */
export type Token = { id: number; word: string; stem: string; numeric: boolean; hasDigit: boolean; strict: boolean };
/**
 * The words a phrasing needs, how many other words may stand before each (see MAX_GAP), and their first
 * letters as bits (see initialBits): a word can only match one with the same first letter, so a phrasing
 * whose letters the sentence lacks is passed over at once.
 */
export type CompiledWords = { required: Token[]; gaps: number[]; initials: number };

/** Little words a phrase may or may not carry ("pain in my chest" = "pain in chest"). */
export const OPTIONAL = new Set(['a', 'an', 'the', 'my', 'his', 'her', 'their', 'your', 'of', 'in', 'on', 'to', 'for', 'at', 'with', 'up', 'me', 'him', 'them', 'and', 'over']);
/**
 * Little words kept when they end a phrase, being its meaning: "cannot go on" is not "cannot go anywhere".
 * Only "on": "face swelling up" must still match "face swelling", "cannot get up" "cannot get off the floor".
 */
const PARTICLES = new Set(['on']);
export const NEGATORS = new Set(['no', 'not', 'never', 'without', 'denies', 'nor', 'none', 'neither', 'cannot']);
/** Risk words shorter than this match only as written (or by stem), never with a typo. */
const STRICT_TYPO_LENGTH = 6;
/** How many other words may stand between two words of a phrase. */
const MAX_GAP = 2;
/** The most edits sameWord allows (words of ten letters or more). */
const MOST_EDITS = 2;
/** Words whose matching tokens are remembered, per set; a bound, so made-up words cannot grow it for ever. */
const REMEMBERED_WORDS = 50_000;
const NONE: readonly never[] = [];
const NONE_SET: ReadonlySet<string> = new Set();

/** The words of a red flag set's phrasings, each made a token once. */
export class PhraseCompiler {
  private readonly tokens = new Map<string, Token>();

  // `strict`: a short word takes no typo (risk words are a wide net: "paid" must not be "pain").
  words(phrase: string, strict = false): CompiledWords {
    const all = normaliseWords(phrase);
    const last = all.length - 1;
    // The last word is kept when it is a particle ("cannot go on"), or when a phrase of several words would
    // otherwise shrink to one: "all of them" is not "all", nor "throwing up" "throwing".
    const keepsLast = last > 0 && (PARTICLES.has(all[last]!) || all.filter((w) => !OPTIONAL.has(w)).length < 2);
    const required = all.filter((word, i) => !OPTIONAL.has(word) || (keepsLast && i === last)).map((w) => this.token(w, strict));
    // "not breathing" may be "not really breathing", but never "not short of breath".
    const gaps = required.map((_, k) => (k > 0 && NEGATORS.has(required[k - 1]!.word) ? 1 : MAX_GAP));
    return { required, gaps, initials: initialBits(required.map((t) => t.word)) };
  }

  /** Which tokens each word of a message stands for, looked up rather than compared with every token. */
  index(spelledAsMeant: ReadonlySet<string> = NONE_SET): TokenIndex {
    return new TokenIndex([...this.tokens.values()], spelledAsMeant);
  }

  private token(word: string, strict: boolean): Token {
    const key = strict ? `=${word}` : word;
    let known = this.tokens.get(key);
    if (!known) {
      known = { id: this.tokens.size, word, stem: stem(word), numeric: /^\d+$/.test(word), hasDigit: /\d/.test(word), strict };
      this.tokens.set(key, known);
    }
    return known;
  }
}

/**
 * The tokens a word can match (see sameWord), found from what a match needs: the same word or stem (maps),
 * a number written before "dot" (a map), or, for a typo, the same first letter and a length within
 * MOST_EDITS of the token's word or stem (buckets by letter and length). Only those few are compared.
 */
export class TokenIndex {
  private readonly byWord = new Map<string, Token[]>();
  private readonly byStem = new Map<string, Token[]>();
  private readonly byNumber = new Map<string, Token[]>();
  /** Tokens that take a typo, by first letter, then by the length of their word / of their stem. */
  private readonly byLength = new Map<string, Token[][]>();
  private readonly byStemLength = new Map<string, Token[][]>();
  private readonly remembered = new Map<string, readonly Token[]>();
  /**
   * The sentence read last (see read): each token's positions in it, good where the token's stamp is that
   * sentence's. Arrays indexed by token, reused, so that asking for a token's positions costs nothing.
   */
  private readonly positionsOf: number[][];
  private readonly stamps: Float64Array;
  private stamp = 0;
  private scratchNumbers = new Int32Array(64);

  constructor(
    readonly tokens: readonly Token[],
    /** Words known to be spelled as meant (see sameWord). */
    readonly spelledAsMeant: ReadonlySet<string> = NONE_SET,
  ) {
    this.positionsOf = tokens.map(() => []);
    this.stamps = new Float64Array(tokens.length);
    for (const token of tokens) {
      add(this.byWord, token.word, token);
      add(this.byStem, token.stem, token);
      if (token.numeric) add(this.byNumber, token.word, token);
      if (!takesTypo(token)) continue;
      addAt(this.byLength, token.word[0]!, token.word.length, token);
      if (token.stem.length >= 6) addAt(this.byStemLength, token.word[0]!, token.stem.length, token);
    }
  }

  /** The tokens the word matches; worked out once for a word, people using the same words again and again. */
  matches(word: string): readonly Token[] {
    let found = this.remembered.get(word);
    if (found === undefined) {
      if (this.remembered.size >= REMEMBERED_WORDS) this.remembered.clear();
      found = this.tokensOf(word);
      this.remembered.set(word, found);
    }
    return found;
  }

  /** matches, not remembered here: for a caller that remembers words of its own. */
  tokensOf(word: string): readonly Token[] {
    return this.lookUp(word, stem(word));
  }

  /**
   * Where each token stands in the sentence, from the tokens each of its words matches (`matched`, word by
   * word: see matches). Only the sentence read last can be asked (it is checked).
   */
  read(matched: readonly { readonly tokens: readonly Token[] }[]): IndexedPositions {
    const stamp = ++this.stamp;
    // A new array for each token found (quick to make, and gone by the next scavenge); setting an array's
    // length to empty or cut one is a call into the engine, slower than that.
    const tokenIds: number[] = [];
    for (let i = 0; i < matched.length; i++) {
      const tokens = matched[i]!.tokens;
      for (let t = 0; t < tokens.length; t++) {
        const id = tokens[t]!.id;
        if (this.stamps[id] === stamp) this.positionsOf[id]!.push(i);
        else {
          this.stamps[id] = stamp;
          this.positionsOf[id] = [i];
          tokenIds.push(id);
        }
      }
    }
    // Its own object, with its own stamp, so that a sentence read before is refused, never answered for wrongly.
    return new IndexedPositions(this, stamp, tokenIds);
  }

  /** The token's positions in the sentence read with `stamp`, which must be the last one read. */
  positionsIn(stamp: number, token: Token): readonly number[] {
    if (stamp !== this.stamp) throw new Error('a sentence was read after this one: its positions are gone');
    return this.stamps[token.id] === stamp ? this.positionsOf[token.id]! : NONE;
  }

  /** An array of at least `length` numbers for the sentence read last, the same one again and again. */
  scratch(length: number): Int32Array {
    if (this.scratchNumbers.length < length) this.scratchNumbers = new Int32Array(Math.max(length, 2 * this.scratchNumbers.length));
    return this.scratchNumbers;
  }

  /** Whether the token is in the sentence read with `stamp` (the last one read). */
  hasIn(stamp: number, token: Token): boolean {
    if (stamp !== this.stamp) throw new Error('a sentence was read after this one: its positions are gone');
    return this.stamps[token.id] === stamp;
  }

  private lookUp(word: string, wordStem: string): readonly Token[] {
    const candidates = new Set<Token>([...(this.byWord.get(word) ?? NONE), ...(this.byStem.get(wordStem) ?? NONE)]);
    // "39" matches "39dot2": the number is all the digits the word starts with.
    const digits = /^\d+/.exec(word)?.[0];
    if (digits && word.startsWith(`${digits}dot`)) for (const t of this.byNumber.get(digits) ?? NONE) candidates.add(t);
    if (word.length >= 4) {
      nearLength(this.byLength.get(word[0]!), word.length, candidates);
      if (wordStem.length >= 6) nearLength(this.byStemLength.get(word[0]!), wordStem.length, candidates);
    }
    const asMeant = this.spelledAsMeant.has(word);
    const found = [...candidates].filter((token) => sameWord(token, word, wordStem, asMeant));
    return found.length === 0 ? NONE : found;
  }
}

/** Whether sameWord may match the token with a typo (it never does for short, numeric or strict short words). */
function takesTypo(token: Token): boolean {
  return !token.hasDigit && token.word.length >= (token.strict ? STRICT_TYPO_LENGTH : 4);
}

function add(map: Map<string, Token[]>, key: string, token: Token): void {
  const list = map.get(key);
  if (list) list.push(token);
  else map.set(key, [token]);
}

function addAt(map: Map<string, Token[][]>, letter: string, length: number, token: Token): void {
  let byLength = map.get(letter);
  if (!byLength) map.set(letter, (byLength = []));
  (byLength[length] ??= []).push(token);
}

function nearLength(byLength: Token[][] | undefined, length: number, into: Set<Token>): void {
  if (!byLength) return;
  for (let l = Math.max(0, length - MOST_EDITS); l <= length + MOST_EDITS; l++) for (const t of byLength[l] ?? NONE) into.add(t);
}

/** Where each token stands in a sentence: the indexes of the words it matches, in order. */
interface Positions {
  of(token: Token): readonly number[];
  has(token: Token): boolean;
  /** The tokens found in the sentence, when known before any is asked for. */
  readonly tokenIds: readonly number[] | undefined;
}

/** Positions looked up once for every word of the sentence, in the set's TokenIndex (the fast path). */
class IndexedPositions implements Positions {
  constructor(
    private readonly index: TokenIndex,
    private readonly stamp: number,
    readonly tokenIds: readonly number[],
  ) {}

  of(token: Token): readonly number[] {
    return this.index.positionsIn(this.stamp, token);
  }

  has(token: Token): boolean {
    return this.index.hasIn(this.stamp, token);
  }
}

/** Positions found by comparing a token with every word when first asked: the plain definition, for tests. */
class ScannedPositions implements Positions {
  readonly tokenIds = undefined;
  private readonly stems: string[];
  private readonly found = new Map<number, number[]>();

  constructor(
    private readonly words: readonly string[],
    private readonly spelledAsMeant: ReadonlySet<string>,
  ) {
    this.stems = words.map(stem);
  }

  of(token: Token): readonly number[] {
    let at = this.found.get(token.id);
    if (!at) {
      at = [];
      for (let i = 0; i < this.words.length; i++) if (sameWord(token, this.words[i]!, this.stems[i]!, this.spelledAsMeant.has(this.words[i]!))) at.push(i);
      this.found.set(token.id, at);
    }
    return at;
  }

  has(token: Token): boolean {
    return this.of(token).length > 0;
  }
}

/**
 * A sentence's words, and which of them match each phrasing word: indexed (every word looked up once in the
 * set's TokenIndex), or scanned (each token compared with every word, the plain definition the tests hold
 * the indexed way to).
 */
export class SentenceTokens {
  readonly initials: number;
  /** How many of the words before each index are little words a phrase may or may not carry (OPTIONAL). */
  private readonly optionalBefore: Int32Array;

  private constructor(
    readonly words: string[],
    private readonly found: Positions,
    /** Where optionalBefore is written: its own, or (indexed: one sentence at a time) the index's, reused. */
    optionalBefore: Int32Array,
  ) {
    this.optionalBefore = optionalBefore;
    optionalBefore[0] = 0;
    for (let i = 0; i < words.length; i++) optionalBefore[i + 1] = optionalBefore[i]! + (OPTIONAL.has(words[i]!) ? 1 : 0);
    this.initials = initialBits(words);
  }

  /**
   * Only the sentence indexed last can be read (TokenIndex.read): one sentence at a time. `matched`: the
   * tokens each word matches (TokenIndex.matches), word by word.
   */
  static indexed(words: string[], index: TokenIndex, matched: readonly { readonly tokens: readonly Token[] }[]): SentenceTokens {
    return new SentenceTokens(words, index.read(matched), index.scratch(words.length + 1));
  }

  static scanned(words: string[], spelledAsMeant: ReadonlySet<string> = NONE_SET): SentenceTokens {
    return new SentenceTokens(words, new ScannedPositions(words, spelledAsMeant), new Int32Array(words.length + 1));
  }

  /** The ids of the tokens found in the sentence (indexed sentences only: a scanned one finds them when asked). */
  tokenIds(): readonly number[] {
    if (!this.found.tokenIds) throw new Error('a scanned sentence finds its tokens only when asked');
    return this.found.tokenIds;
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
  positions(token: Token): readonly number[] {
    return this.found.of(token);
  }

  /** Whether the token stands anywhere in the sentence. */
  has(token: Token): boolean {
    return this.found.has(token);
  }
}

/** Indexes of the first and last words of the phrase in the sentence, searching from `from`, or undefined. */
export function findPhrase(phrase: CompiledWords, sentence: SentenceTokens, from = 0): [number, number] | undefined {
  return findPhraseInto(phrase, sentence, from, SPAN) ? [SPAN.start, SPAN.end] : undefined;
}

/** Where a phrase was found: the indexes of its first and last words. */
export interface Span {
  start: number;
  end: number;
}
const SPAN: Span = { start: 0, end: 0 };

/** findPhrase, written to `span` (whether found), for a caller that looks many times and keeps few. */
export function findPhraseInto(phrase: CompiledWords, sentence: SentenceTokens, from: number, span: Span): boolean {
  const { required, gaps } = phrase;
  if (required.length === 0) return false;
  for (const start of sentence.positions(required[0]!)) {
    if (start < from) continue;
    let at = start;
    for (let k = 1; k < required.length && at >= 0; k++) at = firstBetween(sentence.positions(required[k]!), at + 1, sentence.reach(at, gaps[k]!));
    if (at >= 0) {
      span.start = start;
      span.end = at;
      return true;
    }
  }
  return false;
}

/** The first position from `from` to `to`, or -1. */
function firstBetween(positions: readonly number[], from: number, to: number): number {
  for (const position of positions) {
    if (position > to) break;
    if (position >= from) return position;
  }
  return -1;
}

/**
 * Same word or stem, or one slip of the keyboard in a longer word that keeps its first letter. A word spelled as
 * meant (`asMeant`: one of red-flags.yaml's `notTypos`) is never a slip for another: "struggling" is not
 * "strangling", "confused" not "convulsing", "cooking" not "choking".
 */
export function sameWord(token: Token, word: string, wordStem: string, asMeant = false): boolean {
  if (token.word === word) return true;
  // A stem of one or two letters stands for too many words ("ate" and "at" are both "at", "one" and "on" both "on",
  // "use" and "us"): it joins only a word and its plural ("eye" and "eyes").
  if (token.stem === wordStem) return token.stem.length >= 3 || word === `${token.word}s` || token.word === `${word}s`;
  // "39" in a rule matches a reading of "39.2" (written 39dot2 by then), never "0.4" for "4".
  if (token.numeric) return word.startsWith(`${token.word}dot`);
  if (asMeant || !takesTypo(token) || word.length < 4 || token.word[0] !== word[0]) return false;
  const allowed = token.word.length >= 10 ? MOST_EDITS : 1;
  if (editDistance(token.word, word, allowed) <= allowed) return true;
  // Longer stems only: "wee" and "we", or "drop" and "drip", are one letter apart but nothing alike.
  return token.stem.length >= 6 && wordStem.length >= 6 && editDistance(token.stem, wordStem, allowed) <= allowed;
}

/** One bit for each letter a word starts with (a to z), and one for any digit. */
export function initialBits(words: string[]): number {
  let bits = 0;
  for (const word of words) {
    const letter = word.charCodeAt(0) - 97;
    bits |= 1 << (letter >= 0 && letter < 26 ? letter : 26);
  }
  return bits;
}
