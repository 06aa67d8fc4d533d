import { Embeddings } from '@langchain/core/embeddings';
import { hashedVector } from '../support/fake-openai.js';

/**
 * Deterministic embeddings shaped like an e5/bge-type model's: every pair of texts scores at least 0.8 cosine
 * (a large component all vectors share), and texts sharing words score higher (a hashed bag of words), so the
 * ranking still means something while the raw similarity says little.
 */
export class HighSimilarityEmbeddings extends Embeddings {
  constructor() {
    super({});
  }

  static vector(text: string): number[] {
    // hashedVector has length 1, so two unrelated texts score 2·2 / (√5·√5) = 0.8.
    return [2, ...hashedVector(text)];
  }

  override embedDocuments(texts: string[]): Promise<number[][]> {
    return Promise.resolve(texts.map((t) => HighSimilarityEmbeddings.vector(t)));
  }

  override embedQuery(text: string): Promise<number[]> {
    return Promise.resolve(HighSimilarityEmbeddings.vector(text));
  }
}
