import type MiniSearch from 'minisearch';
import type { SearchOptions, SearchResult } from 'minisearch';
import { LRUCache } from 'lru-cache';

/**
 * MiniSearch's `search`, for the best `k` results only. MiniSearch scores every article that any query term
 * or typo neighbour reaches, as an object with arrays for each, and sorts them all: at 10,000 articles that
 * is most of a question's time, yet only the top few are used. This scores the same postings of the same
 * index into flat arrays, keeps the best k as it goes, and builds result objects for those k alone.
 *
 * The results are MiniSearch's own, bit for bit: each article's BM25 terms are added up in MiniSearch's order
 * (query term by query term; within one, the term as typed, then its typo neighbours in the order MiniSearch
 * finds them, field by field), and ties keep MiniSearch's order (the order it first met the articles). It reads
 * MiniSearch's index (`_index` and the field lengths), so it is tied to the version in package.json;
 * test/knowledge/top-k-search.test.ts compares the two on the evaluation questions and on random ones.
 *
 * Only what the lexical retriever uses is supported: OR, fuzzy matching, field and term boosts, no prefix
 * search, filter or document boost; `topKSearch` says undefined for any other set-up. The index must not
 * change after this is made (no add, remove or discard).
 */
export interface TopKSearch {
  search(query: string, k: number, options?: Pick<SearchOptions, 'processTerm'>): SearchResult[];
}

type Postings = Map<number, Map<number, number>>; // field id -> short document id -> term frequency

/** One field's postings of one term: where its articles, and the BM25 part of each, are in the flat arrays. */
interface FieldPostings {
  start: number;
  end: number;
}

/** A term a query term reaches: itself (weight 1) or a typo neighbour (MiniSearch's fuzzy weight). */
interface Source {
  term: string;
  data: Postings;
  weight: number;
  /** Where `data` is in the flat arrays, by position in the index's fields (undefined: not in that field). */
  fields: (FieldPostings | undefined)[];
}

/** One query term: its boost, and the terms it reaches, itself first, in MiniSearch's order. */
interface Spec {
  term: string;
  boost: number;
  sources: Source[];
}

interface IndexInternals {
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

/** `cacheSize`: how many query terms' sources (the terms each reaches) to keep. */
export function topKSearch(index: MiniSearch<never> | MiniSearch<object>, options: { cacheSize?: number } = {}): TopKSearch | undefined {
  const ms = index as unknown as Partial<IndexInternals>;
  const o = ms._options?.searchOptions ?? {};
  const supported =
    ms._index && typeof ms._index.get === 'function' && typeof ms._index.fuzzyGet === 'function' && ms._fieldLength instanceof Map &&
    Array.isArray(ms._avgFieldLength) && ms._documentIds instanceof Map && ms._storedFields instanceof Map && ms._dirtCount === 0 &&
    ms._documentCount === ms._nextId && (o.combineWith ?? 'OR').toUpperCase() === 'OR' && !o.prefix && !o.filter && !o.boostDocument && !o.fields;
  if (!supported) return undefined;
  return new FlatScorer(ms as IndexInternals, options.cacheSize ?? 10_000);
}

class FlatScorer implements TopKSearch {
  private readonly fields: { id: number; name: string; boost: number; lengths: Float64Array; average: number }[];
  private readonly fuzzyWeight: number;
  private readonly bm25: { k: number; b: number; d: number };
  private readonly maxFuzzy: number;
  // Per article, reused by every search (search is synchronous): the running total, the current query
  // term's part, how many query terms matched and which (the first 32), and stamps saying which search and
  // query term last touched it.
  private readonly total: Float64Array;
  private readonly part: Float64Array;
  private readonly matched: Uint16Array;
  private readonly matchedSpecs: Uint32Array;
  private readonly seenIn: Uint32Array;
  private readonly partOf: Uint32Array;
  private readonly touched: Int32Array;
  private readonly touchedPart: Int32Array;
  private stamp = 0;
  /**
   * Every posting of the index, term by term and field by field in MiniSearch's order: the article, and its
   * BM25 part before weights and boosts (12 bytes a posting: 10,000 articles have about 1.8 million, 86 about
   * 12,000). Made once, when the search is made, so that no question pays for it.
   */
  private readonly docs: Int32Array;
  private readonly raw: Float64Array;
  private readonly flat = new Map<Postings, (FieldPostings | undefined)[]>();
  /**
   * Each query term's sources, by edit distance and term: in an index that does not change they never do.
   * The index's own terms are all worked out when the search is made (10,000 articles: about 2 s), as most
   * words of a question are article words once spelling is corrected; other terms are kept as they come
   * (bounded), as questions share their words even when no two are worded alike.
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
    this.total = new Float64Array(n);
    this.part = new Float64Array(n);
    this.matched = new Uint16Array(n);
    this.matchedSpecs = new Uint32Array(n);
    this.seenIn = new Uint32Array(n);
    this.partOf = new Uint32Array(n);
    this.touched = new Int32Array(n);
    this.touchedPart = new Int32Array(n);
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
  private flatten(freqs: Map<number, number>, field: FlatScorer['fields'][number], at: number): number {
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

  search(query: string, k: number, overrides: Pick<SearchOptions, 'processTerm'> = {}): SearchResult[] {
    const { _options: options } = this.ms;
    const o = options.searchOptions;
    // As MiniSearch's executeQuery: the search options' own tokenize and processTerm come first.
    const tokenize = o.tokenize ?? options.tokenize;
    const processTerm = overrides.processTerm ?? o.processTerm ?? options.processTerm;
    const terms = tokenize(query).flatMap((t) => processTerm(t) as string | string[]).filter((t) => !!t);
    const queryStamp = this.nextStamp(terms.length + 1);
    const { total, part, matched, matchedSpecs, seenIn, touched, touchedPart } = this;
    let touchedCount = 0;
    const specs = terms.map((term, i): Spec => {
      const boost = typeof o.boostTerm === 'function' ? o.boostTerm(term, i, terms) : 1;
      const spec = { term, boost, sources: this.sourcesOf(term, i, terms) };
      // A repeated query term adds its score again but is one matched term (MiniSearch's `terms` are unique).
      const repeat = terms.indexOf(term) < i;
      const bit = i < 32 ? 1 << i : 0;
      const partStamp = queryStamp + 1 + i;
      let partCount = 0;
      for (const source of spec.sources) {
        source.fields.forEach((postings, f) => {
          if (postings) partCount = this.addField(postings, source.weight * boost * this.fields[f]!.boost, partStamp, partCount);
        });
      }
      for (let j = 0; j < partCount; j++) {
        const doc = touchedPart[j]!;
        if (seenIn[doc] !== queryStamp) {
          seenIn[doc] = queryStamp;
          total[doc] = part[doc]!;
          matched[doc] = 1;
          matchedSpecs[doc] = bit;
          touched[touchedCount++] = doc;
        } else {
          total[doc] = total[doc]! + part[doc]!;
          if (!repeat) matched[doc]!++;
          matchedSpecs[doc]! |= bit;
        }
      }
      return spec;
    });
    return this.best(touchedCount, k).map(({ doc, score }) => this.result(doc, score, specs));
  }

  /** Adds one field's postings of one term to each article's part for the current query term. */
  private addField(postings: FieldPostings, factor: number, partStamp: number, partCount: number): number {
    const { part, partOf, touchedPart, docs, raw } = this;
    for (let j = postings.start; j < postings.end; j++) {
      const doc = docs[j]!;
      // MiniSearch multiplies termWeight * termBoost * fieldBoost * docBoost (1) * raw, left to right.
      const weighted = factor * raw[j]!;
      if (partOf[doc] !== partStamp) {
        partOf[doc] = partStamp;
        part[doc] = weighted;
        touchedPart[partCount++] = doc;
      } else {
        part[doc] = part[doc]! + weighted;
      }
    }
    return partCount;
  }

  /** The k best, best first; on equal scores the one met first, as MiniSearch's stable sort leaves them. */
  private best(touchedCount: number, k: number): { doc: number; score: number }[] {
    const top: { doc: number; score: number }[] = [];
    if (k <= 0) return top;
    for (let i = 0; i < touchedCount; i++) {
      const doc = this.touched[i]!;
      // MiniSearch's `score * quality`, quality being the number of query terms matched.
      const score = this.total[doc]! * (this.matched[doc] || 1);
      if (top.length === k && !(score > top[k - 1]!.score)) continue;
      let at = top.length === k ? k - 1 : top.length;
      while (at > 0 && top[at - 1]!.score < score) at--;
      if (top.length === k) top.pop();
      top.splice(at, 0, { doc, score });
    }
    return top;
  }

  /** MiniSearch's result for one article: its stored fields, the query terms it matched, and where. */
  private result(doc: number, score: number, specs: Spec[]): SearchResult {
    const queryTerms: string[] = [];
    const match: Record<string, string[]> = {};
    const known = this.matchedSpecs[doc]!;
    specs.forEach((spec, i) => {
      if (i < 32 && !(known & (1 << i))) return;
      // Each query term's matches replace an earlier term's for the same document term (MiniSearch's Object.assign).
      const own: Record<string, string[]> = {};
      let found = false;
      for (const source of spec.sources) {
        for (const field of this.fields) {
          if (!source.data.get(field.id)?.has(doc)) continue;
          (own[source.term] ??= []).push(field.name);
          found = true;
        }
      }
      if (!found) return;
      if (!queryTerms.includes(spec.term)) queryTerms.push(spec.term);
      Object.assign(match, own);
    });
    return { id: this.ms._documentIds.get(doc), score, terms: Object.keys(match), queryTerms, match, ...this.ms._storedFields.get(doc) } as SearchResult;
  }

  /** The terms a query term reaches as MiniSearch's executeQuerySpec finds and weighs them: itself, then its typo neighbours. */
  private sourcesOf(term: string, i: number, terms: string[]): Source[] {
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

  /** A fresh range of stamps for one search; all arrays cleared on the (rare) wrap-around. */
  private nextStamp(width: number): number {
    if (this.stamp + width + 2 >= 0xffffffff) {
      this.stamp = 0;
      this.seenIn.fill(0);
      this.partOf.fill(0);
    }
    const start = this.stamp + 1;
    this.stamp += width + 1;
    return start;
  }
}
