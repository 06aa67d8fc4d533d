import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import MiniSearch from 'minisearch';
import { beforeAll, describe, expect, it } from 'vitest';
import { splitSections, type Article } from '../../src/knowledge/article.js';
import { buildKnowledgeBase } from '../../src/knowledge/knowledge-base.js';
import { LexicalRetriever } from '../../src/knowledge/lexical-retriever.js';
import { readKnowledgeFiles } from '../../src/knowledge/load-knowledge.js';
import { topKSearch } from '../../src/knowledge/top-k-search.js';

/**
 * The fast path (the best k scored from MiniSearch's postings) against the straightforward one (MiniSearch's
 * own search: every article reached, all sorted): the same articles, in the same order, with the same scores
 * to the last bit, on the real content and on made-up content built to have ties and typo neighbours.
 */

const dir = fileURLToPath(new URL('../../knowledge', import.meta.url));
const EVAL_SETS = ['eval.jsonl', 'knowledge-blind-2026-12.jsonl', 'knowledge-blind-2026-12-02.jsonl'];
const clock = { now: () => new Date('2026-12-02T12:00:00Z') };

let articles: Article[];
let questions: string[];

beforeAll(async () => {
  articles = (await readKnowledgeFiles(dir)).articles;
  questions = articles.flatMap((a) => a.questions);
  for (const set of EVAL_SETS) {
    const text = await readFile(`${dir}/eval/${set}`, 'utf8');
    questions.push(...text.split('\n').filter((l) => l.trim()).map((l) => (JSON.parse(l) as { q: string }).q));
  }
});

describe('the best-k search, on the real content', () => {
  it('ranks and scores every evaluation and example question exactly as MiniSearch does', () => {
    expect(questions.length).toBeGreaterThan(1400);
    const fast = new LexicalRetriever(articles);
    const reference = new LexicalRetriever(articles, { exhaustive: true });
    for (const q of questions) expect(fast.search(q, 10), q).toEqual(reference.search(q, 10));
  });

  it('gives every question the same answer, choices or decline as MiniSearch does', async () => {
    const fast = await buildKnowledgeBase(articles, { clock, answerCacheSize: 0 });
    const reference = await buildKnowledgeBase(articles, { clock, answerCacheSize: 0, retriever: new LexicalRetriever(articles, { exhaustive: true }) });
    for (const q of questions) expect(await fast.answer(q), q).toEqual(await reference.answer(q));
  });
});

// Few words, near-misses among them, and repeated articles: ties, shared terms and typo neighbours are common.
const WORDS = ['inhaler', 'inhalers', 'inhaller', 'prescription', 'prescriptions', 'repeat', 'kidney', 'kidneys', 'pain', 'chest',
  'salt', 'diet', 'heart', 'hearty', 'failure', 'appointment', 'appointments', 'mum', 'dad', 'tablets', 'tablet', 'seizure',
  'seizures', 'blood', 'glucose', 'dialysis', 'dialisys', 'care', 'carer', 'carers', 'help', 'night', 'nights', 'week'];
const word = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...WORDS) }, { weight: 1, arbitrary: fc.stringMatching(/^[a-z]{2,9}$/) });
const text = (max: number) => fc.array(word, { maxLength: max }).map((ws) => ws.join(' '));
const articleFields = fc.record({ title: text(4), questions: fc.array(text(6), { maxLength: 4 }), tags: fc.array(word, { maxLength: 3 }), summary: text(10), body: text(40) });
const corpus = fc.tuple(fc.array(articleFields, { minLength: 1, maxLength: 25 }), fc.nat({ max: 5 }))
  .map(([fields, copies]) => [...fields, ...fields.slice(0, copies)].map((f, i) => madeUp(`a${i}`, f)));

describe('the best-k search, on made-up content', () => {
  it('gives the lexical retriever the same hits as MiniSearch for any question and k', () => {
    fc.assert(
      fc.property(corpus, fc.array(text(8), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 8 }), (docs, asked, k) => {
        const fast = new LexicalRetriever(docs);
        const reference = new LexicalRetriever(docs, { exhaustive: true });
        for (const q of asked) expect(fast.search(q, k)).toEqual(reference.search(q, k));
      }),
      { numRuns: 150 },
    );
  });

  it("gives MiniSearch's own results (terms, matches, stored fields) for another set-up, repeated query words too", () => {
    const docs = fc.array(fc.record({ title: text(4), text: text(30) }), { minLength: 1, maxLength: 30 })
      .map((ds) => [...ds, ...ds.slice(0, 3)].map((d, id) => ({ id, ...d })));
    fc.assert(
      fc.property(docs, fc.array(text(6), { minLength: 1, maxLength: 5 }), fc.integer({ min: 1, max: 10 }), (ds, asked, k) => {
        const index = new MiniSearch<{ id: number; title: string; text: string }>({
          fields: ['title', 'text'],
          storeFields: ['title'],
          searchOptions: { boost: { title: 3 }, fuzzy: 0.25, boostTerm: (t) => (t === 'pain' ? 0.5 : 1), weights: { fuzzy: 0.6, prefix: 0.375 } },
        });
        index.addAll(ds);
        const fast = topKSearch(index)!;
        expect(fast).toBeDefined();
        for (const q of asked) {
          const repeated = `${q} ${q.split(' ')[0] ?? ''}`;
          expect(fast.search(repeated, k)).toEqual(index.search(repeated).slice(0, k));
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('the best-k search, where it cannot promise the same results', () => {
  const docs = [{ id: 1, text: 'repeat prescription' }, { id: 2, text: 'inhaler spacer' }];

  it('is not offered for prefix search, AND, or an index that has had a document removed', () => {
    const withOptions = (searchOptions: ConstructorParameters<typeof MiniSearch>[0]['searchOptions']) => {
      const index = new MiniSearch<{ id: number; text: string }>({ fields: ['text'], searchOptions });
      index.addAll(docs);
      return index;
    };
    expect(topKSearch(withOptions({ fuzzy: 0.2 }))).toBeDefined();
    expect(topKSearch(withOptions({ prefix: true }))).toBeUndefined();
    expect(topKSearch(withOptions({ combineWith: 'AND' }))).toBeUndefined();
    const changed = withOptions({});
    changed.discard(1);
    expect(topKSearch(changed)).toBeUndefined();
  });
});

function madeUp(id: string, f: { title: string; questions: string[]; tags: string[]; summary: string; body: string }): Article {
  return {
    id, title: f.title, pathways: ['general'], audience: 'both', summary: f.summary, questions: f.questions, tags: f.tags,
    owner: 'tests', clinicalReviewer: 'tests', clinicalSignOff: 'pending', lastReviewed: '2026-11-20', reviewDue: '2027-05-20',
    sources: ['https://www.nhs.uk/'], redFlags: [], related: [], body: f.body, sections: splitSections(f.body),
    file: `${id}.md`, lines: { id: 1, related: 0, redFlags: 0, reviewDue: 0, questions: [] },
  };
}
