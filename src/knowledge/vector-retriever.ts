import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import { Document } from '@langchain/core/documents';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { Article } from './article.js';
import { similarityConfidence } from './confidence.js';
import type { RetrievedMetadata } from './lexical-retriever.js';

export interface VectorRetrieverOptions extends BaseRetrieverInput {
  k?: number;
  /**
   * Cosine similarity at which this model's matches are trustworthy enough to answer on, measured for the model
   * on the evaluation set. Without it the retriever is uncalibrated: its documents carry confidence 0, so they
   * rank but never decide. There is no default: where that point lies differs by model (e5/bge-type models score
   * unrelated texts around 0.8).
   */
  minSimilarity?: number;
  /** Vectors already computed, by text, so that a reload only embeds what changed. */
  cache?: Map<string, number[]>;
}

/** What is embedded for an article: what it is about, not the whole body (questions are the best signal). */
export function embeddingText(article: Article): string {
  return [article.title, article.summary, ...article.questions].join('\n');
}

/** Brute-force cosine search over one vector per article; fine for thousands of articles. */
export class VectorRetriever extends BaseRetriever<RetrievedMetadata> {
  lc_namespace = ['carepoint', 'knowledge', 'retrievers'];

  private constructor(
    private readonly embeddings: EmbeddingsInterface,
    private readonly entries: { id: string; title: string; summary: string; vector: number[] }[],
    private readonly k: number,
    private readonly minSimilarity: number | undefined,
    fields: BaseRetrieverInput,
  ) {
    super(fields);
  }

  static async create(articles: readonly Article[], embeddings: EmbeddingsInterface, options: VectorRetrieverOptions = {}): Promise<VectorRetriever> {
    const cache = options.cache ?? new Map<string, number[]>();
    const texts = articles.map(embeddingText);
    const missing = [...new Set(texts.filter((t) => !cache.has(t)))];
    if (missing.length > 0) {
      const vectors = await embeddings.embedDocuments(missing);
      missing.forEach((text, i) => cache.set(text, normalise(vectors[i] ?? [])));
    }
    const entries = articles.map((a, i) => ({ id: a.id, title: a.title, summary: a.summary, vector: cache.get(texts[i]!)! }));
    return new VectorRetriever(embeddings, entries, options.k ?? 5, options.minSimilarity, options);
  }

  override async _getRelevantDocuments(query: string): Promise<Document<RetrievedMetadata>[]> {
    const q = normalise(await this.embeddings.embedQuery(query));
    return this.entries
      .map((e) => ({ e, similarity: dot(q, e.vector) }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, this.k)
      .map(({ e, similarity }) => new Document<RetrievedMetadata>({
        pageContent: e.summary,
        metadata: {
          id: e.id,
          title: e.title,
          score: Math.round(similarity * 1000) / 1000,
          confidence: this.minSimilarity === undefined ? 0 : similarityConfidence(similarity, this.minSimilarity),
          retriever: 'vector',
        },
      }));
  }
}

function normalise(v: number[]): number[] {
  const length = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return length > 0 ? v.map((x) => x / length) : v;
}

function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) s += a[i]! * b[i]!;
  return s;
}
