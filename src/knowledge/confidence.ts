/**
 * How sure retrieval is that its best article answers the question, from 0 to 1. The answer-or-decline
 * threshold below was chosen from the evaluation set (`npm run kb -- eval knowledge/eval/eval.jsonl --json`
 * prints the sweep); re-run it after large content changes.
 */

export interface LexicalEvidence {
  /** Best-match score from the lexical index (BM25 with field weights). */
  score: number;
  /** Score of the next article, 0 if none. */
  nextScore: number;
  /** Distinct meaningful terms in the question (after stop words). */
  queryTerms: number;
  /** Of those, how many the article matched (fuzzy matches count as matched). */
  matchedTerms: number;
}

/** Score per query term at which the score part of the confidence saturates; typical of a title hit. */
export const SCORE_PER_TERM_SCALE = 80;

/** Answer at or above this confidence; below it Carepoint says it is not sure and offers a co-ordinator. */
export const ANSWER_THRESHOLD = 0.5;

const WEIGHTS = { coverage: 0.5, score: 0.35, margin: 0.15 };

export function lexicalConfidence(e: LexicalEvidence): number {
  if (e.queryTerms === 0 || e.score <= 0) return 0;
  const coverage = Math.min(1, e.matchedTerms / e.queryTerms);
  // Long questions pile up score without being better matched, so score is taken per term.
  const perTerm = Math.min(1, e.score / e.queryTerms / SCORE_PER_TERM_SCALE);
  const margin = e.nextScore > 0 ? Math.max(0, (e.score - e.nextScore) / e.score) : 1;
  return round(WEIGHTS.coverage * coverage + WEIGHTS.score * perTerm + WEIGHTS.margin * margin);
}

/**
 * Puts a similarity from an embeddings model on the same scale, so that `minSimilarity` (where that model's
 * matches become trustworthy, which differs per model) lands exactly on the answer threshold.
 */
export function similarityConfidence(similarity: number, minSimilarity: number, threshold = ANSWER_THRESHOLD): number {
  const s = Math.max(0, Math.min(1, similarity));
  if (s >= minSimilarity) return round(threshold + ((s - minSimilarity) * (1 - threshold)) / Math.max(1e-9, 1 - minSimilarity));
  return round((s * threshold) / Math.max(1e-9, minSimilarity));
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
