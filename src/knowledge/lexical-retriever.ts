import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import { Document } from '@langchain/core/documents';
import MiniSearch, { type SearchResult } from 'minisearch';
import type { Article } from './article.js';
import { lexicalConfidence, type LexicalEvidence } from './confidence.js';
import { LOW_SIGNAL, LOW_SIGNAL_WEIGHT, termsForWord, tokenize } from './search-terms.js';
import { rememberFuzzyLookups } from './fuzzy-lookups.js';
import { topKSearch, type TopKSearch } from './top-k-search.js';
import { Vocabulary } from './vocabulary.js';

export interface RetrievedMetadata {
  id: string;
  title: string;
  score: number;
  /** 0 to 1; see confidence.ts. */
  confidence: number;
  [key: string]: unknown;
}

export interface LexicalHit {
  id: string;
  title: string;
  score: number;
  confidence: number;
  summary: string;
  matchedTerms: string[];
  evidence: LexicalEvidence;
}

/** Field weights: a word in the title or in a question people really ask says more than one in the body. */
export const FIELD_BOOST = { title: 2.5, questions: 2, tags: 2.5, summary: 2, body: 1.5 };

interface IndexedDoc {
  id: string;
  title: string;
  questions: string;
  tags: string;
  summary: string;
  body: string;
}

/** The embedded default retriever: a MiniSearch (BM25) index with stemming, SMS spellings and typo tolerance. */
export class LexicalRetriever extends BaseRetriever<RetrievedMetadata> {
  lc_namespace = ['carepoint', 'knowledge', 'retrievers'];
  private readonly index: MiniSearch<IndexedDoc>;
  private readonly vocabulary: Vocabulary;
  private readonly k: number;
  /** The best k alone, scored as MiniSearch scores them; undefined: MiniSearch's own search (all, sorted). */
  private readonly topK: TopKSearch | undefined;

  /** `exhaustive`: MiniSearch's own search, the reference the fast path is tested against. */
  constructor(articles: readonly Article[], options: { k?: number; exhaustive?: boolean } & BaseRetrieverInput = {}) {
    super(options);
    this.k = options.k ?? 5;
    this.index = new MiniSearch<IndexedDoc>({
      fields: ['title', 'questions', 'tags', 'summary', 'body'],
      storeFields: ['title', 'summary'],
      tokenize: (text) => tokenize(text),
      // MiniSearch's type asks for a mutable array; it only reads it.
      processTerm: (term) => termsForWord(term) as string[],
      searchOptions: {
        boost: FIELD_BOOST,
        // Typos in longer words only: a one-letter slip in a four-letter word is usually another word.
        fuzzy: (term) => (term.length >= 5 ? 0.2 : false),
        maxFuzzy: 2,
        combineWith: 'OR',
        boostTerm: (term) => (LOW_SIGNAL.has(term) ? LOW_SIGNAL_WEIGHT : 1),
      },
    });
    const docs = articles.map((a) => ({
      id: a.id,
      title: a.title,
      questions: a.questions.join('\n'),
      tags: a.tags.join('\n'),
      summary: a.summary,
      body: a.body,
    }));
    this.index.addAll(docs);
    this.topK = options.exhaustive ? undefined : topKSearch(this.index);
    // MiniSearch's own search (the reference, or a MiniSearch version the fast path does not know) at least
    // finds each term's typo neighbours once.
    if (!this.topK) rememberFuzzyLookups(this.index);
    this.vocabulary = new Vocabulary(docs.map((d) => [d.title, d.questions, d.tags, d.summary, d.body].join('\n')));
  }

  /** Synchronous search, best first, each with its confidence (the margin part only for the top hit). */
  search(query: string, k = this.k): LexicalHit[] {
    const { words, corrected } = this.vocabulary.correct(query);
    const weights = new Map<string, { weight: number; corrected: boolean }>();
    for (const word of words) {
      for (const term of termsForWord(word)) {
        const weight = this.vocabulary.weight(term) * (LOW_SIGNAL.has(term) ? LOW_SIGNAL_WEIGHT : 1);
        weights.set(term, { weight, corrected: corrected.has(word) });
      }
    }
    if (weights.size === 0) return [];
    const queryWeight = [...weights.values()].reduce((s, w) => s + w.weight, 0);
    const terms = [...weights.keys()].join(' ');
    // The confidence needs the next score after the best, so never fewer than 2.
    const results: SearchResult[] = this.topK ? this.topK.search(terms, Math.max(k, 2), { processTerm: (t) => t }) : this.index.search(terms, { processTerm: (t) => t });
    return results.slice(0, k).map((r, i) => {
      // A term found only by fuzzy matching or spelling correction is weaker evidence than one found as typed.
      const matched = r.queryTerms.reduce((s, t) => {
        const w = weights.get(t);
        return w ? s + w.weight * (r.terms.includes(t) && !w.corrected ? 1 : 0.5) : s;
      }, 0);
      const evidence: LexicalEvidence = { score: r.score, nextScore: i === 0 ? (results[1]?.score ?? 0) : r.score, queryWeight, coverage: matched / queryWeight };
      return {
        id: String(r.id),
        title: String(r.title),
        summary: String(r.summary),
        score: Math.round(r.score * 1000) / 1000,
        confidence: lexicalConfidence(evidence),
        matchedTerms: r.queryTerms,
        evidence,
      };
    });
  }

  override async _getRelevantDocuments(query: string): Promise<Document<RetrievedMetadata>[]> {
    return this.search(query).map(
      (hit) =>
        new Document<RetrievedMetadata>({
          pageContent: hit.summary,
          metadata: { id: hit.id, title: hit.title, score: hit.score, confidence: hit.confidence, matchedTerms: hit.matchedTerms, retriever: 'lexical' },
        }),
    );
  }
}
