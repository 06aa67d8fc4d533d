import type { Article } from './article.js';
import { termsForWord, tokenize } from './search-terms.js';

/**
 * Pairs of neighbouring search terms (stop words left out) that the articles use, such as "repeat prescription"
 * or "blood glucose". A question off the subject often shares single words with the articles ("head lice",
 * "hot flushes", "car insurance" each have one) but rarely a pair, while covered questions usually share one
 * or more: a signal the single-word scores miss. Pairs are taken within a line or sentence, never across.
 */
export class KnownPhrases {
  private readonly pairs = new Set<string>();

  constructor(articles: readonly Article[]) {
    for (const a of articles) for (const pair of pairsOf([a.title, ...a.questions, ...a.tags, a.summary, a.body].join('\n'))) this.pairs.add(pair);
  }

  /** How many distinct pairs of the question's terms the articles also use. */
  count(question: string): number {
    let n = 0;
    for (const pair of new Set(pairsOf(question))) if (this.pairs.has(pair)) n++;
    return n;
  }
}

function pairsOf(text: string): string[] {
  const out: string[] = [];
  for (const piece of text.split(/[\n.?!,;:()]/)) {
    const terms = tokenize(piece).flatMap(termsForWord);
    for (let i = 1; i < terms.length; i++) out.push(`${terms[i - 1]} ${terms[i]}`);
  }
  return out;
}
