import type { Article } from './article.js';
import { termsForWord, tokenizeSentences } from './search-terms.js';

/**
 * Pairs of neighbouring search terms (stop words left out) that the articles use, such as "repeat prescription"
 * or "blood glucose". A question off the subject often shares single words with the articles ("head lice",
 * "hot flushes", "car insurance" each have one) but rarely a pair, while covered questions usually share one
 * or more: a signal the single-word scores miss. Pairs are taken within a line or sentence, never across.
 */
export class KnownPhrases {
  /** Term -> a small number; each term's set holds the terms seen straight after it (10,000 articles: ~800,000 pairs). */
  private readonly ids = new Map<string, number>();
  private readonly next = new Map<number, Set<number>>();

  constructor(articles: readonly Article[]) {
    for (const a of articles) {
      for (const words of tokenizeSentences([a.title, ...a.questions, ...a.tags, a.summary, a.body].join('\n'))) {
        let previous: Set<number> | undefined;
        for (const word of words) {
          for (const term of termsForWord(word)) {
            let id = this.ids.get(term);
            if (id === undefined) this.ids.set(term, (id = this.ids.size));
            previous?.add(id);
            previous = this.next.get(id);
            if (!previous) this.next.set(id, (previous = new Set()));
          }
        }
      }
    }
  }

  /** How many distinct pairs of the question's neighbouring terms the articles also use. */
  count(question: string): number {
    const found = new Set<string>();
    for (const words of tokenizeSentences(question)) {
      let previous: string | undefined;
      for (const term of words.flatMap(termsForWord)) {
        if (previous !== undefined && this.known(previous, term)) found.add(`${previous} ${term}`);
        previous = term;
      }
    }
    return found.size;
  }

  private known(first: string, second: string): boolean {
    const a = this.ids.get(first);
    const b = this.ids.get(second);
    return a !== undefined && b !== undefined && this.next.get(a)!.has(b);
  }
}
