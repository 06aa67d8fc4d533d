import { Document } from '@langchain/core/documents';
import { BaseRetriever } from '@langchain/core/retrievers';
import { FakeEmbeddings, SyntheticEmbeddings } from '@langchain/core/utils/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { Article } from '../../src/knowledge/article.js';
import { buildKnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import type { RetrievedMetadata } from '../../src/knowledge/lexical-retriever.js';
import { LexicalRetriever } from '../../src/knowledge/lexical-retriever.js';
import { readKnowledgeFiles } from '../../src/knowledge/load-knowledge.js';
import { RankFusionRetriever } from '../../src/knowledge/rank-fusion-retriever.js';
import { VectorRetriever } from '../../src/knowledge/vector-retriever.js';
import { makeKnowledgeDir, ANSWERABLE } from './fixtures.js';
import { HighSimilarityEmbeddings } from './high-similarity-embeddings.js';

/** A retriever that always returns the same ranking: stands in for any other team's retriever. */
class FixedRetriever extends BaseRetriever<RetrievedMetadata> {
  lc_namespace = ['test'];
  constructor(private readonly ids: string[], private readonly confidence = 0.2) {
    super();
  }
  override async _getRelevantDocuments(): Promise<Document<RetrievedMetadata>[]> {
    return this.ids.map((id, i) => new Document({ pageContent: id, metadata: { id, title: id.toUpperCase(), score: 1 - i / 10, confidence: this.confidence } }));
  }
}

let articles: Article[];
const clock = new ManualClock(new Date('2027-01-10T12:00:00Z'));
beforeAll(async () => {
  articles = (await readKnowledgeFiles(await makeKnowledgeDir())).articles;
});

describe('reciprocal rank fusion', () => {
  it('puts first what both retrievers rank well, and keeps what either found', async () => {
    const fused = await new RankFusionRetriever([new FixedRetriever(['a', 'b', 'c']), new FixedRetriever(['b', 'd', 'a'])]).invoke('q');
    expect(fused.map((d) => d.metadata.id)).toEqual(['b', 'a', 'd', 'c']);
    // b: 1/62 + 1/61; a: 1/61 + 1/63
    expect(fused[0]!.metadata.score).toBeCloseTo(1 / 62 + 1 / 61, 4);
    expect(fused[0]!.metadata.ranks).toEqual([2, 1]);
  });

  it('takes a document\u2019s confidence from the calibrated retriever (the first) only: the others reorder, never make it surer', async () => {
    const fused = await new RankFusionRetriever([new FixedRetriever(['a', 'b'], 0.3), new FixedRetriever(['b', 'c'], 0.95)]).invoke('q');
    expect(fused.map((d) => [d.metadata.id, d.metadata.confidence])).toEqual([['b', 0.3], ['a', 0.3], ['c', 0]]);
  });

  it('fuses lexical and vector retrieval over real articles (FakeEmbeddings) without losing the lexical answer', async () => {
    const vector = await VectorRetriever.create(articles, new FakeEmbeddings());
    const fusion = new RankFusionRetriever([new LexicalRetriever(articles), vector]);
    const docs = await fusion.invoke('how do i clean my spacer');
    expect(docs[0]!.metadata.id).toBe('asthma-inhalers');
    expect(new Set(docs.map((d) => d.metadata.id)).size).toBe(docs.length);
  });

  it('answers through the knowledge base with an embeddings provider configured', async () => {
    const kb = await buildKnowledgeBase(articles, { clock, embeddings: new FakeEmbeddings() });
    expect(await kb.answer('need to change my appt')).toMatchObject({ answered: true, source: { id: 'general-appointments' } });
    // Constant vectors (similarity 1 for every pair) say nothing: the question with no lexical match is still declined.
    expect((await kb.answer('recipe for lasagne')).answered).toBe(false);
  });

  it('ranks articles by embedding similarity (same text, same vector)', async () => {
    const embeddings = new SyntheticEmbeddings({ vectorSize: 8 });
    const target = articles.find((a) => a.id === 'kidney-blood-pressure')!;
    const { embeddingText } = await import('../../src/knowledge/vector-retriever.js');
    // The same text embeds to the same vector, so the vector retriever must rank this article first.
    const docs = await (await VectorRetriever.create(articles, embeddings)).invoke(embeddingText(target));
    expect(docs[0]!.metadata).toMatchObject({ id: 'kidney-blood-pressure', score: 1 });
  });

  it('answers from the lexical side when the embeddings provider is down, at build or at question time', async () => {
    class DownEmbeddings extends FakeEmbeddings {
      override embedDocuments(): Promise<number[][]> {
        return Promise.reject(new Error('provider down'));
      }
    }
    class FlakyEmbeddings extends FakeEmbeddings {
      override embedQuery(): Promise<number[]> {
        return Promise.reject(new Error('provider down'));
      }
    }
    const warnings: string[] = [];
    const logger = { warn: (_: unknown, msg: string) => warnings.push(msg) } as unknown as import('../../src/logging.js').Logger;
    for (const embeddings of [new DownEmbeddings(), new FlakyEmbeddings()]) {
      const kb = await buildKnowledgeBase(articles, { clock, embeddings, logger });
      expect(await kb.answer('need to change my appt')).toMatchObject({ answered: true, source: { id: 'general-appointments' } });
    }
    expect(warnings).toEqual(['embeddings unavailable; answering with lexical retrieval only', 'a retriever failed; answering from the others']);
  });

  it('embeds each article text only once across rebuilds', async () => {
    let embedded = 0;
    class CountingEmbeddings extends FakeEmbeddings {
      override embedDocuments(documents: string[]) {
        embedded += documents.length;
        return super.embedDocuments(documents);
      }
    }
    const cache = new Map<string, number[]>();
    await VectorRetriever.create(articles, new CountingEmbeddings(), { cache });
    await VectorRetriever.create(articles, new CountingEmbeddings(), { cache });
    expect(embedded).toBe(articles.length);
  });
});

describe('an embeddings model that scores every pair of texts high (uncalibrated, as e5/bge-type models are)', () => {
  it('really does score unrelated texts high', async () => {
    const docs = await (await VectorRetriever.create(articles, new HighSimilarityEmbeddings())).invoke('recipe for lasagne');
    expect(docs.every((d) => d.metadata.score >= 0.8)).toBe(true);
  });

  it('is no evidence to answer on its own: uncalibrated vector matches carry confidence 0', async () => {
    const vector = await VectorRetriever.create(articles, new HighSimilarityEmbeddings());
    expect((await vector.invoke('recipe for lasagne')).map((d) => d.metadata.confidence)).toEqual(articles.map(() => 0));
    const kb = await buildKnowledgeBase(articles, { clock, retriever: vector });
    expect(await kb.answer('recipe for lasagne')).toMatchObject({ answered: false, declined: 'low-confidence' });
  });

  it.each(['what is the capital of france', 'who won the football last night', 'hello', 'recipe for lasagne'])('still declines %j, offering a co-ordinator', async (question) => {
    const kb = await buildKnowledgeBase(articles, { clock, embeddings: new HighSimilarityEmbeddings() });
    const answer = await kb.answer(question);
    expect(answer).toMatchObject({ answered: false, declined: expect.stringMatching(/no-match|low-confidence/) });
    expect(answer.chat).toMatch(/^I'm not sure/);
    expect(answer.chat).toContain("say 'talk to someone'");
    expect(answer.source).toBeUndefined();
  });

  it.each(ANSWERABLE)('still answers %j from %s', async (question, id) => {
    const kb = await buildKnowledgeBase(articles, { clock, embeddings: new HighSimilarityEmbeddings() });
    expect(await kb.answer(question)).toMatchObject({ answered: true, source: { id } });
  });

  it('answers with the lexical confidence of the article chosen, whatever the vectors say', async () => {
    const lexical = await buildKnowledgeBase(articles, { clock });
    const fused = await buildKnowledgeBase(articles, { clock, embeddings: new HighSimilarityEmbeddings() });
    for (const question of ['how do i order a repeat prescription', 'cleaning a spacer', 'hospital', 'recipe for lasagne']) {
      const [plain, withVectors] = [await lexical.answer(question), await fused.answer(question)];
      if (withVectors.articles[0]?.id === plain.articles[0]?.id) expect(withVectors.confidence).toBe(plain.confidence);
      expect(withVectors.confidence ?? 0).toBeLessThanOrEqual(plain.confidence ?? 0);
    }
  });
});
