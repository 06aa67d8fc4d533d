/**
 * Knowledge retrieval latency: the real knowledge base, and a synthetic one of 10,000 articles generated
 * from the real ones with words varied, to see how answering scales with content.
 */
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import type { Article } from '../src/knowledge/article.js';
import { splitSections } from '../src/knowledge/article.js';
import { percentile } from '../src/knowledge/evaluation.js';
import { buildKnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { readKnowledgeFiles } from '../src/knowledge/load-knowledge.js';

const KNOWLEDGE_DIR = fileURLToPath(new URL('../knowledge', import.meta.url));
const SYNTHETIC_ARTICLES = 10_000;
const clock = { now: () => new Date('2027-01-01T12:00:00Z') };

export async function runKnowledgeBench(): Promise<Record<string, unknown>> {
  const { articles } = await readKnowledgeFiles(KNOWLEDGE_DIR);
  const questions = await benchQuestions(articles);
  const real = await measure(articles, questions);
  const synthetic = await measure(syntheticArticles(articles, SYNTHETIC_ARTICLES), questions);
  return {
    queries: questions.length,
    real: { articles: articles.length, ...real },
    synthetic: { articles: SYNTHETIC_ARTICLES, ...synthetic },
  };
}

// A full collection before each heap reading, so that the index's own size is what the difference shows.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const memoryAfterGc = () => {
  collectGarbage();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heapUsed, arrayBuffers };
};

async function measure(articles: Article[], questions: string[]) {
  const before = memoryAfterGc();
  const buildStart = performance.now();
  // Uncached: this measures retrieval itself (the warm-up questions would otherwise come from the cache).
  const kb = await buildKnowledgeBase(articles, { clock, answerCacheSize: 0 });
  const buildMs = Math.round(performance.now() - buildStart);
  // The index (MiniSearch, its postings flattened for the best-k search, vocabulary, known phrases), and the
  // whole-process heap with it alive.
  // Typed arrays (the flattened postings) live outside the heap, so they are counted apart.
  const after = memoryAfterGc();
  const indexMb = Math.round((after.heapUsed - before.heapUsed) / 1e6);
  const indexArraysMb = Math.round((after.arrayBuffers - before.arrayBuffers) / 1e6);
  const heapMb = Math.round(process.memoryUsage().heapUsed / 1e6);
  for (const q of questions.slice(0, 20)) await kb.answer(q); // warm-up
  // First pass: most questions are new to the index (their words' typo neighbours not yet looked up), as
  // every unique wording's new words are. Then the same questions again: the answer cache is off, so each is
  // retrieved again, with its words known, as most words of most questions are in a server that has run a while.
  const first = await pass(kb, questions);
  const again = await pass(kb, questions);
  return {
    buildMs, indexHeapMb: indexMb, indexArraysMb, heapUsedMb: heapMb, medianMs: first.medianMs, p99Ms: first.p99Ms,
    wordsKnown: { medianMs: again.medianMs, p99Ms: again.p99Ms }, answeredShare: first.answeredShare,
  };
}

async function pass(kb: Awaited<ReturnType<typeof buildKnowledgeBase>>, questions: string[]) {
  const times: number[] = [];
  let answered = 0;
  for (const q of questions) {
    const start = performance.now();
    if ((await kb.answer(q)).answered) answered++;
    times.push(performance.now() - start);
  }
  return { medianMs: percentile(times, 0.5), p99Ms: percentile(times, 0.99), answeredShare: Math.round((answered / questions.length) * 1000) / 1000 };
}

/** The evaluation questions when there are any, else the articles' own example questions. */
async function benchQuestions(articles: Article[]): Promise<string[]> {
  try {
    const text = await readFile(new URL('../knowledge/eval/eval.jsonl', import.meta.url), 'utf8');
    const qs = text.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { q: string }).q);
    if (qs.length > 0) return qs;
  } catch {
    // no evaluation set yet
  }
  return articles.flatMap((a) => a.questions);
}

/**
 * Copies of real articles with about a third of their words swapped for made-up ones, so that the synthetic
 * corpus has a realistic, growing vocabulary rather than 10,000 identical documents.
 */
export function syntheticArticles(real: Article[], count: number, seed = 42): Article[] {
  let state = seed;
  const random = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const syllables = ['ba', 'ko', 'ri', 'ten', 'mul', 'sa', 'dor', 'vi', 'len', 'qu', 'at', 'ex', 'por', 'ni', 'ga', 'ul'];
  const inventedWords = Array.from({ length: 20_000 }, () => Array.from({ length: 2 + Math.floor(random() * 3) }, () => syllables[Math.floor(random() * syllables.length)]).join(''));
  const vary = (text: string) => text.replace(/[A-Za-z]{4,}/g, (w) => (random() < 0.33 ? inventedWords[Math.floor(random() * inventedWords.length)]! : w));
  return Array.from({ length: count }, (_, i) => {
    const base = real[i % real.length]!;
    const body = vary(base.body);
    return {
      ...base,
      id: `${base.id}-syn-${i}`,
      title: vary(base.title),
      summary: vary(base.summary),
      questions: base.questions.map(vary),
      tags: base.tags.map(vary),
      body,
      sections: splitSections(body),
      related: [],
    };
  });
}
