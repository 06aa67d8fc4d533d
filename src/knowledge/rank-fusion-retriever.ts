import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import { Document } from '@langchain/core/documents';
import type { CallbackManagerForRetrieverRun } from '@langchain/core/callbacks/manager';
import type { RetrievedMetadata } from './lexical-retriever.js';

export interface RankFusionOptions extends BaseRetrieverInput {
  /** The usual RRF constant: dampens the advantage of rank 1 over rank 2. */
  rankConstant?: number;
  k?: number;
  /**
   * Positions of the retrievers whose confidence is calibrated against the answer threshold; default the first
   * (the lexical retriever, calibrated on the evaluation set). The others only rank.
   */
  confidenceFrom?: number[];
  /** Told when one retriever fails; the others still answer (an embeddings API being down must not stop answers). */
  onError?: (err: unknown, retriever: number) => void;
}

/**
 * Reciprocal rank fusion of several retrievers: score(d) = sum over retrievers of 1 / (c + rank). Ranks, not
 * raw scores, so BM25 scores and cosine similarities never have to share a scale.
 *
 * A document's confidence is the highest a calibrated retriever (`confidenceFrom`) gave it, and 0 when none of
 * them found it. An uncalibrated retriever can bring a document up the ranking but never make it surer:
 * embeddings models differ in where their similarities mean "same subject" (e5/bge-type models score unrelated
 * texts around 0.8), and taking their word would answer every question from some article.
 */
export class RankFusionRetriever extends BaseRetriever<RetrievedMetadata> {
  lc_namespace = ['carepoint', 'knowledge', 'retrievers'];
  private readonly c: number;
  private readonly k: number;
  private readonly onError: RankFusionOptions['onError'];
  private readonly confidenceFrom: ReadonlySet<number>;

  constructor(private readonly retrievers: BaseRetriever<RetrievedMetadata>[], options: RankFusionOptions = {}) {
    super(options);
    this.onError = options.onError;
    this.c = options.rankConstant ?? 60;
    this.k = options.k ?? 5;
    this.confidenceFrom = new Set(options.confidenceFrom ?? [0]);
  }

  override async _getRelevantDocuments(query: string, runManager?: CallbackManagerForRetrieverRun): Promise<Document<RetrievedMetadata>[]> {
    const settled = await Promise.allSettled(this.retrievers.map((r) => r.invoke(query, { callbacks: runManager?.getChild() })));
    if (settled.every((s) => s.status === 'rejected')) throw (settled[0] as PromiseRejectedResult).reason;
    const lists = settled.map((s, i) => {
      if (s.status === 'fulfilled') return s.value;
      this.onError?.(s.reason, i);
      return [];
    });
    const fused = new Map<string, { score: number; confidence: number; first: Document<RetrievedMetadata>; ranks: number[] }>();
    lists.forEach((docs, which) => {
      docs.forEach((doc, rank) => {
        const entry = fused.get(doc.metadata.id) ?? { score: 0, confidence: 0, first: doc, ranks: this.retrievers.map(() => -1) };
        entry.score += 1 / (this.c + rank + 1);
        if (this.confidenceFrom.has(which)) entry.confidence = Math.max(entry.confidence, doc.metadata.confidence ?? 0);
        entry.ranks[which] = rank + 1;
        fused.set(doc.metadata.id, entry);
      });
    });
    return [...fused.values()]
      .sort((a, b) => b.score - a.score || b.confidence - a.confidence)
      .slice(0, this.k)
      .map(({ score, confidence, first, ranks }) => new Document<RetrievedMetadata>({
        pageContent: first.pageContent,
        metadata: { ...first.metadata, score: Math.round(score * 10000) / 10000, confidence, ranks, retriever: 'fusion' },
      }));
  }
}
