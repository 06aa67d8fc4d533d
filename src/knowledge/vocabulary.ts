import MiniSearch from 'minisearch';
import { editDistance } from '../safety/text-normalise.js';
import { termsForWord, tokenize } from './search-terms.js';

/**
 * The words the articles use: how many articles use each term (for weighting question words by how much
 * they say), and spelling correction. Correction is needed on top of MiniSearch's fuzzy search because the
 * index holds stems: "inhlaer" stems to itself, three edits from "inhal", yet one swap from "inhaler". A word
 * is only corrected when its stem is unknown to the articles, so real words stay as typed.
 */
const CORRECTIONS_MAX = 10_000;

/** The most pieces a split word is rebuilt from ("h b a 1 c" is past it, "c o p d" is not). */
const MAX_PIECES = 4;

export class Vocabulary {
  /** Term -> number of articles using it. */
  private readonly documentFrequency = new Map<string, number>();
  private readonly articles: number;
  private readonly words = new MiniSearch<{ id: number; word: string; count: number }>({
    fields: ['word'],
    storeFields: ['word', 'count'],
    processTerm: (t) => t,
    tokenize: (t) => [t],
  });

  /** Unknown words already corrected: the same typos come back. Bounded (emptied when full). */
  private readonly corrections = new Map<string, string>();

  /** One entry per article: all its text. */
  constructor(articleTexts: string[]) {
    this.articles = articleTexts.length;
    const counts = new Map<string, number>();
    for (const text of articleTexts) {
      const seen = new Set<string>();
      for (const word of tokenize(text)) {
        for (const term of termsForWord(word)) seen.add(term);
        if (word.length >= 4 && !/\d/.test(word)) counts.set(word, (counts.get(word) ?? 0) + 1);
      }
      for (const term of seen) this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
    }
    let id = 0;
    this.words.addAll([...counts].map(([word, count]) => ({ id: id++, word, count })));
  }

  /**
   * How much a term says (BM25's inverse document frequency). A term no article uses weighs most: a
   * question about bunions should not be answered because it also said "treatment".
   */
  weight(term: string): number {
    const df = this.documentFrequency.get(term) ?? 0;
    return Math.log(1 + (this.articles - df + 0.5) / (df + 0.5));
  }

  /** The question's words, each unknown one replaced by the nearest article word when one is near enough. */
  correct(text: string): { words: string[]; corrected: Set<string> } {
    const corrected = new Set<string>();
    const words = this.joinSplitWords(tokenize(text)).map((word) => {
      const fixed = this.correctWord(word);
      if (fixed !== word) corrected.add(fixed);
      return fixed;
    });
    return { words, corrected };
  }

  /**
   * Voice-to-text and hesitant typing split long words into pieces: "fist ula", "tack row limus", "p i p",
   * "c o p d", "pull monary re hab". A run of 2 to 4 neighbouring pieces is joined when at least one piece is
   * not an article word (or is a lone letter) and the joined word is one, as typed or within the usual
   * correction. Real words standing side by side ("blood test") are never joined: each is already known.
   */
  private joinSplitWords(words: string[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < words.length; ) {
      // An exact join first; the fuzzy look-up, which costs far more, only where none is exact, and only on a
      // long enough word with a short piece in it ("tack row limus" is tacrolimus).
      const join = this.joinFrom(words, i, (word) => (this.isKnown(word) ? word : undefined))
        ?? this.joinFrom(words, i, (word, pieces) => (word.length >= 7 && pieces.some((p) => p.length <= 4) ? this.corrected(word) : undefined));
      out.push(join?.word ?? words[i]!);
      i += join?.pieces ?? 1;
    }
    return out;
  }

  /** The longest run from i, of 2 to MAX_PIECES pieces with a fragment among them, that `spell` makes a word of. */
  private joinFrom(words: string[], i: number, spell: (word: string, pieces: string[]) => string | undefined): { word: string; pieces: number } | undefined {
    for (let n = Math.min(MAX_PIECES, words.length - i); n >= 2; n--) {
      const pieces = words.slice(i, i + n);
      if (!pieces.some((p) => this.isFragment(p))) continue;
      const word = spell(pieces.join(''), pieces);
      if (word !== undefined) return { word, pieces: n };
    }
    return undefined;
  }

  /** Every term of the word is one the articles use. */
  private isKnown(word: string): boolean {
    const terms = termsForWord(word);
    return terms.length > 0 && terms.every((t) => this.documentFrequency.has(t));
  }

  /** The article word an unknown word corrects to, if it corrects to one. */
  private corrected(word: string): string | undefined {
    const fixed = this.correctWord(word);
    return fixed !== word ? fixed : undefined;
  }

  /** A lone letter other than "a" and "i", or a word of letters whose terms no article uses. */
  private isFragment(word: string): boolean {
    if (/\d/.test(word)) return false;
    if (word.length === 1) return word !== 'a' && word !== 'i';
    const terms = termsForWord(word);
    return terms.length > 0 && !terms.some((t) => this.documentFrequency.has(t));
  }

  private correctWord(word: string): string {
    if (word.length < 4 || /\d/.test(word)) return word;
    const terms = termsForWord(word);
    if (terms.length === 0 || terms.some((t) => this.documentFrequency.has(t))) return word;
    let fixed = this.corrections.get(word);
    if (fixed === undefined) {
      if (this.corrections.size >= CORRECTIONS_MAX) this.corrections.clear();
      this.corrections.set(word, (fixed = this.nearestWord(word)));
    }
    return fixed;
  }

  /** The article word nearest an unknown word, or the word itself when none is near enough. */
  private nearestWord(word: string): string {
    // Up to 2 edits for longer words; a swap of two letters costs 2 in MiniSearch's edit distance.
    const hits = this.words.search(word, { fuzzy: word.length >= 7 ? 2 : 1, prefix: false });
    const best = hits
      .map((h) => ({ word: String(h.word), count: Number(h.count), distance: editDistance(word, String(h.word), 2) }))
      .sort((a, b) => a.distance - b.distance || b.count - a.count)[0];
    return best && best.distance <= (word.length >= 7 ? 2 : 1) ? best.word : word;
  }
}
