import type MiniSearch from 'minisearch';
import type { SearchOptions, SearchResult } from 'minisearch';
import { FlatPostings, type FieldPostings, type IndexInternals, type Source } from './flat-postings.js';

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

/** One query term: its boost, and the terms it reaches, itself first, in MiniSearch's order. */
interface Spec {
  term: string;
  boost: number;
  sources: Source[];
}

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
  private readonly postings: FlatPostings;

  constructor(private readonly ms: IndexInternals, cacheSize: number) {
    const n = ms._nextId;
    this.total = new Float64Array(n);
    this.part = new Float64Array(n);
    this.matched = new Uint16Array(n);
    this.matchedSpecs = new Uint32Array(n);
    this.seenIn = new Uint32Array(n);
    this.partOf = new Uint32Array(n);
    this.touched = new Int32Array(n);
    this.touchedPart = new Int32Array(n);
    this.postings = new FlatPostings(ms, cacheSize);
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
      const spec = { term, boost, sources: this.postings.sourcesOf(term, i, terms) };
      // A repeated query term adds its score again but is one matched term (MiniSearch's `terms` are unique).
      const repeat = terms.indexOf(term) < i;
      const bit = i < 32 ? 1 << i : 0;
      const partStamp = queryStamp + 1 + i;
      let partCount = 0;
      for (const source of spec.sources) {
        source.fields.forEach((postings, f) => {
          if (postings) partCount = this.addField(postings, source.weight * boost * this.postings.fields[f]!.boost, partStamp, partCount);
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
    const { part, partOf, touchedPart } = this;
    const { docs, raw } = this.postings;
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
        for (const field of this.postings.fields) {
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
