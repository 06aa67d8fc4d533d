import { FakeListChatModel } from '@langchain/core/utils/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { PHRASE_BONUS } from '../../src/knowledge/confidence.js';
import { buildKnowledgeBase, ukDate } from '../../src/knowledge/knowledge-base.js';
import { readKnowledgeFiles } from '../../src/knowledge/load-knowledge.js';
import type { Article } from '../../src/knowledge/article.js';
import { ARTICLES, makeKnowledgeDir, ANSWERABLE, TYPO_QUESTION } from './fixtures.js';

let articles: Article[];
const clock = new ManualClock(new Date('2027-01-10T12:00:00Z'));

beforeAll(async () => {
  articles = (await readKnowledgeFiles(await makeKnowledgeDir())).articles;
});

describe('knowledge base with the embedded default (no model, no embeddings)', () => {
  it.each(ANSWERABLE)('answers %j from %s', async (question, id) => {
    const kb = await buildKnowledgeBase(articles, { clock });
    const answer = await kb.answer(question);
    expect(answer.articles[0]?.id).toBe(id);
    expect(answer.answered).toBe(true);
    expect(answer.source?.id).toBe(id);
  });

  it('finds the article for a typo first, and answers from it or offers it', async () => {
    const kb = await buildKnowledgeBase(articles, { clock });
    const answer = await kb.answer(TYPO_QUESTION[0]);
    expect(answer.articles[0]?.id).toBe(TYPO_QUESTION[1]);
    const shown = answer.outcome === 'answered' ? answer.source?.id : answer.choices?.[0]?.id;
    expect(shown).toBe(TYPO_QUESTION[1]);
  });

  it.each(['what is the capital of france', 'who won the football last night', 'hello', 'recipe for lasagne'])('declines %j', async (question) => {
    const kb = await buildKnowledgeBase(articles, { clock });
    const answer = await kb.answer(question);
    expect(answer.answered).toBe(false);
    expect(answer.chat).toMatch(/not sure/);
    expect(answer.source).toBeUndefined();
  });

  it('returns documents through the LangChain retriever interface, best first, with id, title and score', async () => {
    const { LexicalRetriever } = await import('../../src/knowledge/lexical-retriever.js');
    const docs = await new LexicalRetriever(articles).invoke('blood pressure kidneys');
    expect(docs[0]!.metadata).toMatchObject({ id: 'kidney-blood-pressure', title: 'Blood pressure and your kidneys' });
    const scores = docs.map((d) => d.metadata.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });
});

describe('three outcomes', () => {
  // Thresholds set wide apart so that the outcome does not hang on today's calibration.
  const unsure = { clock, threshold: 0.99, choiceThreshold: 0.1 };

  it('offers the plausible articles (at most 3, best first) with "none of these" when none is clearly right', async () => {
    const kb = await buildKnowledgeBase(articles, unsure);
    const answer = await kb.answer('hospital appointment for blood pressure');
    expect(answer).toMatchObject({ outcome: 'choices', answered: false });
    expect(answer.source).toBeUndefined();
    const ids = answer.choices!.map((c) => c.id);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    expect(ids.length).toBeLessThanOrEqual(3);
    expect(ids[0]).toBe(answer.articles[0]!.id);
    expect(ids).toEqual(expect.arrayContaining(['general-appointments', 'kidney-blood-pressure']));
    expect(answer.sms).toMatch(/1\. .+\n2\. .+[^]*None of these: talk to someone/);
  });

  it('answers when the top article is clearly right, and declines below the choice threshold', async () => {
    expect(await (await buildKnowledgeBase(articles, { clock, threshold: 0.5, choiceThreshold: 0.3 })).answer('how do i use my inhaler'))
      .toMatchObject({ outcome: 'answered', answered: true, source: { id: 'asthma-inhalers' } });
    // Above any scope score (confidence 1 at most, and three shared pairs of words).
    expect(await (await buildKnowledgeBase(articles, { clock, threshold: 0.99, choiceThreshold: 1.5 })).answer('hospital appointment for blood pressure'))
      .toMatchObject({ outcome: 'declined', answered: false, declined: 'low-confidence' });
  });

  it('counts pairs of words the articles use toward offering: the same words in an order no article uses count less', async () => {
    const probe = await (await buildKnowledgeBase(articles, unsure)).answer('blood pressure hospital appointment');
    const shuffled = await (await buildKnowledgeBase(articles, unsure)).answer('pressure blood appointment hospital');
    expect(shuffled.confidence).toBe(probe.confidence);
    expect(probe.scope).toBeCloseTo(probe.confidence! + 2 * PHRASE_BONUS, 3);
    expect(shuffled.scope).toBe(shuffled.confidence);
    // Between the two: the phrases decide.
    const choiceThreshold = (probe.confidence! + probe.scope!) / 2;
    const kb = await buildKnowledgeBase(articles, { clock, threshold: 0.99, choiceThreshold });
    expect(await kb.answer('blood pressure hospital appointment')).toMatchObject({ outcome: 'choices' });
    expect(await kb.answer('pressure blood appointment hospital')).toMatchObject({ outcome: 'declined', declined: 'low-confidence' });
  });

  it('declines, never offers, a decision about the person\'s own treatment; answers it when clearly covered (the conversation says who can decide first)', async () => {
    const question = 'should i stop using my inhaler and spacer';
    expect(await (await buildKnowledgeBase(articles, unsure)).answer(question)).toMatchObject({ outcome: 'declined', declined: 'personal-decision', chat: expect.stringMatching(/not sure/) });
    expect(await (await buildKnowledgeBase(articles, { clock, threshold: 0.2 })).answer(question)).toMatchObject({ outcome: 'answered', source: { id: 'asthma-inhalers' } });
    // Asking how to prevent something is not asking for a decision.
    expect(await (await buildKnowledgeBase(articles, unsure)).answer('how can we stop high blood pressure hurting her kidneys')).toMatchObject({ outcome: 'choices' });
  });

  it('never offers an article past its review-due date', async () => {
    const dated = articles.map((a) => (a.id === 'kidney-blood-pressure' ? { ...a, reviewDue: '2027-01-01' } : a));
    const kb = await buildKnowledgeBase(dated, unsure);
    const answer = await kb.answer('hospital appointment for blood pressure');
    expect(answer.outcome).not.toBe('answered');
    expect(answer.articles.map((a) => a.id)).toContain('kidney-blood-pressure');
    expect((answer.choices ?? []).map((c) => c.id)).not.toContain('kidney-blood-pressure');
  });

  it('answers from the article picked, from the content in service now', async () => {
    const at = new ManualClock(new Date('2027-01-10T12:00:00Z'));
    const dated = articles.map((a) => (a.id === 'asthma-inhalers' ? { ...a, reviewDue: '2027-02-01' } : a));
    const kb = await buildKnowledgeBase(dated, { clock: at });
    expect(await kb.answerFrom('asthma-inhalers', 'cleaning')).toMatchObject({ outcome: 'answered', answered: true, source: { id: 'asthma-inhalers' }, chat: expect.stringContaining('Source: Using your asthma inhaler and spacer') });
    expect(await kb.answerFrom('no-such-article', 'cleaning')).toBeUndefined();
    at.set(new Date('2027-02-02T12:00:00Z'));
    expect(await kb.answerFrom('asthma-inhalers', 'cleaning')).toBeUndefined();
  });
});

describe('review dates', () => {
  it('does not serve an article past its review-due date, and does not count it', async () => {
    const dated = articles.map((a) => (a.id === 'asthma-inhalers' ? { ...a, reviewDue: '2027-03-01' } : a));
    const at = new ManualClock(new Date('2027-03-01T23:30:00Z')); // still 1 March in the UK
    const kb = await buildKnowledgeBase(dated, { clock: at });
    expect((await kb.answer('how do i use my inhaler')).answered).toBe(true);
    expect(kb.articleCount()).toBe(ARTICLES.length);

    at.set(new Date('2027-03-02T00:30:00Z'));
    const late = await kb.answer('how do i use my inhaler');
    expect(late).toMatchObject({ answered: false, declined: 'expired' });
    expect(late.articles[0]!.id).toBe('asthma-inhalers');
    expect(kb.articleCount()).toBe(ARTICLES.length - 1);
  });
});

describe('answer cache', () => {
  it('works a repeated question out once a day, and a reload (a new knowledge base) starts afresh', async () => {
    const { LexicalRetriever } = await import('../../src/knowledge/lexical-retriever.js');
    let retrievals = 0;
    class CountingRetriever extends LexicalRetriever {
      override async _getRelevantDocuments(query: string) {
        retrievals++;
        return super._getRelevantDocuments(query);
      }
    }
    const at = new ManualClock(new Date('2027-01-10T09:00:00Z'));
    const kb = await buildKnowledgeBase(articles, { clock: at, retriever: new CountingRetriever(articles) });
    const first = await kb.answer('how do i use my inhaler');
    expect(await kb.answer('how do i use my inhaler')).toEqual(first);
    expect(retrievals).toBe(1);
    await kb.answer('how do i use my inhalers');
    expect(retrievals).toBe(2);
    at.set(new Date('2027-01-11T09:00:00Z'));
    await kb.answer('how do i use my inhaler');
    expect(retrievals).toBe(3);
    expect(Object.isFrozen(first)).toBe(true);

    const uncached = await buildKnowledgeBase(articles, { clock: at, retriever: new CountingRetriever(articles), answerCacheSize: 0 });
    await uncached.answer('how do i use my inhaler');
    await uncached.answer('how do i use my inhaler');
    expect(retrievals).toBe(5);
  });

  it('keeps no answer that leaned on a language model (its passing failure must not stick)', async () => {
    // The fake answers in turn from its list; its index says how many times it was asked.
    const model = new FakeListChatModel({ responses: ['cancel hospital appointment', 'cancel hospital appointment', 'spare'] });
    const kb = await buildKnowledgeBase(articles, { clock, queryRewriter: model });
    await kb.answer('cnt go on tuesday to the clinic thing');
    await kb.answer('cnt go on tuesday to the clinic thing');
    expect(model.i).toBe(2);
  });
});

describe('query rewriting by a language model', () => {
  it('retrieves with the rephrasing when it is surer, but answers in the article\u2019s own words', async () => {
    const model = new FakeListChatModel({ responses: ['cancel hospital appointment'] });
    const kb = await buildKnowledgeBase(articles, { clock, queryRewriter: model });
    const plain = await (await buildKnowledgeBase(articles, { clock })).answer('cnt go on tuesday to the clinic thing');
    expect(plain.answered).toBe(false);

    const answer = await kb.answer('cnt go on tuesday to the clinic thing');
    expect(answer).toMatchObject({ answered: true, source: { id: 'general-appointments' } });
    expect(answer.chat).not.toContain('cancel hospital appointment');
    expect(answer.chat).toContain(articles.find((a) => a.id === 'general-appointments')!.summary);
  });

  it('keeps the original retrieval when the rephrasing is worse', async () => {
    const model = new FakeListChatModel({ responses: ['weather forecast'] });
    const kb = await buildKnowledgeBase(articles, { clock, queryRewriter: model });
    expect((await kb.answer('how do i order my repeat prescription')).source?.id).toBe('general-repeat-prescriptions');
  });

  it('carries on with the question as asked when the model fails', async () => {
    class DownModel extends FakeListChatModel {
      override async _generate(): Promise<never> {
        throw new Error('model down');
      }
    }
    const model = new DownModel({ responses: [] });
    const warnings: unknown[] = [];
    const logger = { warn: (obj: unknown) => warnings.push(obj) } as unknown as import('../../src/logging.js').Logger;
    const kb = await buildKnowledgeBase(articles, { clock, queryRewriter: model, logger });
    const answer = await kb.answer('how do i order my repeat prescription');
    expect(answer.source?.id).toBe('general-repeat-prescriptions');
    expect(JSON.stringify(warnings)).not.toContain('prescription');
    expect(warnings).toHaveLength(1);
  });
});

describe('SMS "MORE" (continuation)', () => {
  it('sends the rest of an article in service, as the answer offered it', async () => {
    const kb = await buildKnowledgeBase(articles, { clock });
    const answer = await kb.answer('how do i clean my spacer');
    expect(answer.source?.id).toBe('asthma-inhalers');
    expect(answer.smsMore).toMatch(/^Cleaning your spacer:/);
    expect(await kb.continuation('asthma-inhalers', 'how do i clean my spacer')).toBe(answer.smsMore);
  });

  it('sends nothing once the article is past its review-due date by the clock', async () => {
    const dated = articles.map((a) => (a.id === 'asthma-inhalers' ? { ...a, reviewDue: '2027-03-01' } : a));
    const at = new ManualClock(new Date('2027-03-01T23:30:00Z')); // still 1 March in the UK
    const kb = await buildKnowledgeBase(dated, { clock: at });
    expect(await kb.continuation('asthma-inhalers', 'how do i clean my spacer')).toMatch(/^Cleaning your spacer:/);
    at.set(new Date('2027-03-02T00:30:00Z'));
    expect(await kb.continuation('asthma-inhalers', 'how do i clean my spacer')).toBeUndefined();
  });

  it('sends nothing for an article it does not hold', async () => {
    const kb = await buildKnowledgeBase(articles, { clock });
    expect(await kb.continuation('no-such-article', 'how do i clean my spacer')).toBeUndefined();
  });
});

describe('the UK date', () => {
  it('turns at UK midnight in summer and winter time, however often it is asked', () => {
    const at = (iso: string) => ukDate(new Date(iso));
    expect([at('2026-06-30T22:59:00Z'), at('2026-06-30T22:59:59Z'), at('2026-06-30T23:00:00Z')]).toEqual(['2026-06-30', '2026-06-30', '2026-07-01']);
    expect([at('2026-11-25T23:59:59Z'), at('2026-11-26T00:00:00Z'), at('2026-11-25T12:00:00Z')]).toEqual(['2026-11-25', '2026-11-26', '2026-11-25']);
  });
});
