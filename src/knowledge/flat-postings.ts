import type { SearchOptions } from 'minisearch';
import { LRUCache } from 'lru-cache';

/**
 * A MiniSearch index's postings as flat arrays, for the best-k search (`top-k-search.ts`): each posting's
 * article and BM25 part (before weights and boosts), worked out once, term by term and field by field in
 * MiniSearch's order, and the terms each query term reaches (itself and its typo neighbours) as MiniSearch finds
 * and weighs them. Read from MiniSearch's internals (`_index`, the field lengths): tied to the version in
 * package.json.
 */

export type Postings = Map<number, Map<number, number>>; // field id -> short document id -> term frequency

/** One field's postings of one term: where its articles, and the BM25 part of each, are in the flat arrays. */
export interface FieldPostings {
  start: number;
  end: number;
}

/** A term a query term reaches: itself (weight 1) or a typo neighbour (MiniSearch's fuzzy weight). */
export interface Source {
  term: string;
  data: Postings;
  weight: number;
  /** Where `data` is in the flat arrays, by position in the index's fields (undefined: not in that field). */
  fields: (FieldPostings | undefined)[];
}

export interface IndexInternals {
  _index: { get(term: string): Postings | undefined; fuzzyGet(term: string, distance: number): Map<string, [Postings, number]> };
  _options: { tokenize: (text: string, field?: string) => string[]; processTerm: (term: string, field?: string) => string | string[] | null | undefined | false; fields: string[]; searchOptions: SearchOptions };
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _documentCount: number;
  _nextId: number;
  _dirtCount: number;
  _documentIds: Map<number, unknown>;
  _storedFields: Map<number, Record<string, unknown> | undefined>;
}

const FUZZY_WEIGHT_DEFAULT = 0.45;
const BM25_DEFAULT = { k: 1.2, b: 0.7, d: 0.5 };

export interface Field {
  id: number;
  name: string;
  boost: number;
  lengths: Float64Array;
  average: number;
}

export class FlatPostings {
  readonly fields: Field[];
  /**
   * Every posting of the index: the article, and its BM25 part (12 bytes a posting: 10,000 articles have about
   * 1.8 million, 86 about 12,000). Made once, with the search, so that no question pays for it.
   */
  readonly docs: Int32Array;
  readonly raw: Float64Array;
  private readonly fuzzyWeight: number;
  private readonly bm25: { k: number; b: number; d: number };
  private readonly maxFuzzy: number;
  private readonly flat = new Map<Postings, (FieldPostings | undefined)[]>();
  /**
   * Each query term's sources, by edit distance and term: in an index that does not change they never do.
   * The index's own terms are all worked out here (10,000 articles: about 2 s), as most words of a question
   * are article words once spelling is corrected; other terms are kept as they come (bounded), as questions
   * share their words even when no two are worded alike.
   */
  private readonly indexTerms = new Map<string, Source[]>();
  private readonly sources: LRUCache<string, Source[]>;

  constructor(private readonly ms: IndexInternals, cacheSize: number) {
    const o = ms._options.searchOptions;
    const n = ms._nextId;
    this.fields = ms._options.fields.map((name) => {
      const id = ms._fieldIds[name]!;
      const lengths = new Float64Array(n);
      for (const [doc, perField] of ms._fieldLength) lengths[doc] = perField[id] ?? 0;
      // `|| 1` as MiniSearch: a field without a boost counts once.
      return { id, name, boost: (Object.hasOwn(o.boost ?? {}, name) ? o.boost![name] : 0) || 1, lengths, average: ms._avgFieldLength[id]! };
    });
    this.fuzzyWeight = o.weights?.fuzzy ?? FUZZY_WEIGHT_DEFAULT;
    this.bm25 = o.bm25 ?? BM25_DEFAULT;
    this.maxFuzzy = o.maxFuzzy ?? 6;
    this.sources = new LRUCache({ max: Math.max(1, cacheSize) });
    let postings = 0;
    for (const [, data] of ms._index as unknown as Iterable<[string, Postings]>) for (const freqs of data.values()) postings += freqs.size;
    this.docs = new Int32Array(postings);
    this.raw = new Float64Array(postings);
    let at = 0;
    for (const [, data] of ms._index as unknown as Iterable<[string, Postings]>) {
      this.flat.set(data, this.fields.map((field) => {
        const freqs = data.get(field.id);
        if (!freqs) return undefined;
        const start = at;
        at = this.flatten(freqs, field, at);
        return { start, end: at };
      }));
    }
    for (const [term] of ms._index as unknown as Iterable<[string, Postings]>) {
      const key = this.sourcesKey(term, 0, [term]);
      this.indexTerms.set(key, this.findSources(term, key));
    }
  }

  /**
   * One field's postings into the flat arrays at `at`, articles in MiniSearch's order (the order it meets them
   * in), each BM25 part by MiniSearch's calcBM25Score, term for term, so that every rounding is the same.
   */
  private flatten(freqs: Map<number, number>, field: Field, at: number): number {
    const { k, b, d } = this.bm25;
    const n = this.ms._documentCount;
    const matching = freqs.size;
    const invDocFreq = Math.log(1 + (n - matching + 0.5) / (matching + 0.5));
    for (const [doc, tf] of freqs) {
      this.docs[at] = doc;
      this.raw[at++] = invDocFreq * (d + (tf * (k + 1)) / (tf + k * (1 - b + (b * field.lengths[doc]!) / field.average)));
    }
    return at;
  }

  /** The terms a query term reaches as MiniSearch's executeQuerySpec finds and weighs them: itself, then its typo neighbours. */
  sourcesOf(term: string, i: number, terms: string[]): Source[] {
    const key = this.sourcesKey(term, i, terms);
    let found = this.indexTerms.get(key) ?? this.sources.get(key);
    if (!found) this.sources.set(key, (found = this.findSources(term, key)));
    return found;
  }

  /** The edit distance MiniSearch allows the term (its fuzzy option), and the term. */
  private sourcesKey(term: string, i: number, terms: string[]): string {
    const option = this.ms._options.searchOptions.fuzzy;
    const fuzzy = typeof option === 'function' ? option(term, i, terms) : (option || false);
    const amount = fuzzy === true ? 0.2 : fuzzy || 0;
    const distance = amount < 1 ? Math.min(this.maxFuzzy, Math.round(term.length * amount)) : amount;
    return `${distance} ${term}`;
  }

  private findSources(term: string, key: string): Source[] {
    const distance = Number(key.slice(0, key.indexOf(' ')));
    const found: Source[] = [];
    const exact = this.ms._index.get(term);
    if (exact) found.push(this.source(term, exact, 1));
    if (distance) {
      for (const [other, [data, edits]] of this.ms._index.fuzzyGet(term, distance)) {
        if (edits) found.push(this.source(other, data, (this.fuzzyWeight * other.length) / (other.length + edits)));
      }
    }
    return found;
  }

  private source(term: string, data: Postings, weight: number): Source {
    return { term, data, weight, fields: this.flat.get(data) ?? [] };
  }
}
