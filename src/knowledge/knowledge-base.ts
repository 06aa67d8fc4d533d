import { hash } from 'node:crypto';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import type { BaseRetriever } from '@langchain/core/retrievers';
import type { DocumentInterface } from '@langchain/core/documents';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../clock.js';
import { asksForPersonalAdvice } from '../conversation/intents.js';
import type { Logger } from '../logging.js';
import type { Article } from './article.js';
import { answerText, choicesText, notSureText, smsMoreText } from './answer-text.js';
import { withoutCourtesies } from './courtesies.js';
import { ANSWER_THRESHOLD, CHOICE_SCORE_SHARE, CHOICE_THRESHOLD, MAX_CHOICES, scopeScore } from './confidence.js';
import { KnownPhrases } from './known-phrases.js';
import { LexicalRetriever, type RetrievedMetadata } from './lexical-retriever.js';
import { rephraseQuery } from './query-rewriter.js';
import { RankFusionRetriever } from './rank-fusion-retriever.js';
import type { ArticleMatch, KnowledgeAnswer, KnowledgeBase } from './types.js';
import { VectorRetriever } from './vector-retriever.js';

type Retrieved = DocumentInterface<RetrievedMetadata>[];

export interface ArticleKnowledgeBaseOptions {
  clock: Clock;
  /** Any LangChain retriever whose documents carry {id, title, score, confidence}; default lexical. */
  retriever?: BaseRetriever<RetrievedMetadata>;
  /** May rephrase the question for retrieval only; never writes the answer. */
  queryRewriter?: BaseChatModel;
  /** Answer at or above this confidence (default ANSWER_THRESHOLD). */
  threshold?: number;
  /** Offer choices from this scope score (`scopeScore`) when not answered, decline below (default CHOICE_THRESHOLD). */
  choiceThreshold?: number;
  logger?: Logger;
  /** How many recent answers to keep (0: none). */
  answerCacheSize?: number;
}

/** Many people ask the same few things ("how do I order a repeat prescription"): each is worked out once a day. */
const ANSWER_CACHE_SIZE = 1_000;

/** "Today" in the UK, where review dates are set: an article due on a date is served all that day. */
// Built once: constructing an Intl formatter costs far more than using one.
const UK_DATE = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

// The UK date changes only on the hour (its offsets are whole hours), so the last minute's answer is kept.
let lastMinute = NaN;
let lastDate = '';

export function ukDate(at: Date): string {
  const minute = Math.floor(at.getTime() / 60_000);
  if (minute !== lastMinute) {
    lastDate = UK_DATE.format(at);
    lastMinute = minute;
  }
  return lastDate;
}

export function isExpired(article: Pick<Article, 'reviewDue'>, today: string): boolean {
  return article.reviewDue < today;
}

/** The best match and those near it, up to MAX_CHOICES: a far weaker match is not worth a button. */
export function nearBest(articles: readonly ArticleMatch[]): ArticleMatch[] {
  const best = articles[0]?.score ?? 0;
  return articles.filter((m, i) => i === 0 || m.score >= CHOICE_SCORE_SHARE * best).slice(0, MAX_CHOICES);
}

/** Answers questions from a fixed set of articles: retrieve, decide answer or decline, quote the article. */
export class ArticleKnowledgeBase implements KnowledgeBase {
  private readonly byId: Map<string, Article>;
  private readonly retriever: BaseRetriever<RetrievedMetadata>;
  private readonly phrases: KnownPhrases;
  readonly threshold: number;
  readonly choiceThreshold: number;
  // Keyed by a digest of the question and today's date: no patient text is held, and an article that
  // passes its review-due date is never served from the cache. A reload builds a new, empty one.
  private readonly answers?: LRUCache<string, Readonly<KnowledgeAnswer>>;

  constructor(articles: readonly Article[], private readonly options: ArticleKnowledgeBaseOptions) {
    this.byId = new Map(articles.map((a) => [a.id, a]));
    this.retriever = options.retriever ?? new LexicalRetriever(articles);
    this.phrases = new KnownPhrases(articles);
    this.threshold = options.threshold ?? ANSWER_THRESHOLD;
    this.choiceThreshold = options.choiceThreshold ?? CHOICE_THRESHOLD;
    const size = options.answerCacheSize ?? ANSWER_CACHE_SIZE;
    if (size > 0) this.answers = new LRUCache({ max: size });
  }

  async answer(question: string): Promise<KnowledgeAnswer> {
    // One "today" for both the cache key and the review-due check, so they cannot straddle midnight.
    const today = ukDate(this.options.clock.now());
    if (!this.answers) return this.work(question, today);
    const key = hash('sha256', `${today}\n${question}`, 'base64');
    const known = this.answers.get(key);
    if (known) return known;
    const answer = Object.freeze(await this.work(question, today));
    this.answers.set(key, answer);
    return answer;
  }

  private async work(asked: string, today: string): Promise<KnowledgeAnswer> {
    const question = withoutCourtesies(asked);
    const docs = await this.retrieve(question);
    const articles = docs.map((d) => ({ id: d.metadata.id, title: d.metadata.title, score: d.metadata.score }));
    const top = docs[0];
    const article = top ? this.byId.get(top.metadata.id) : undefined;
    const confidence = top?.metadata.confidence ?? 0;
    const scope = article ? scopeScore(confidence, this.phrases.count(question)) : 0;
    const declined = (reason: NonNullable<KnowledgeAnswer['declined']>): KnowledgeAnswer =>
      ({ outcome: 'declined', answered: false, articles, ...notSureText(), confidence, scope, declined: reason });
    if (!article) return declined('no-match');
    if (isExpired(article, today)) return declined('expired');
    if (confidence >= this.threshold) return { ...this.answerWith(article, question, articles), confidence, scope };
    // The conversation meets these with who can decide and never offers choices for them: say so here too,
    // so that what is measured is what the person gets.
    if (asksForPersonalAdvice(question)) return declined('personal-decision');
    if (scope < this.choiceThreshold) return declined('low-confidence');
    const choices = this.choicesFrom(articles, today);
    return { outcome: 'choices', answered: false, articles, choices, ...choicesText(choices), confidence, scope };
  }

  private choicesFrom(articles: ArticleMatch[], today: string): ArticleMatch[] {
    return nearBest(articles.filter((m) => { const a = this.byId.get(m.id); return a !== undefined && !isExpired(a, today); }));
  }

  private answerWith(article: Article, question: string, articles: ArticleMatch[]): KnowledgeAnswer {
    return {
      outcome: 'answered',
      answered: true,
      articles,
      source: { id: article.id, title: article.title, lastReviewed: article.lastReviewed, reviewDue: article.reviewDue },
      ...answerText(article, question),
    };
  }

  answerFrom(articleId: string, question: string): Promise<KnowledgeAnswer | undefined> {
    const article = this.byId.get(articleId);
    if (!article || isExpired(article, ukDate(this.options.clock.now()))) return Promise.resolve(undefined);
    return Promise.resolve(this.answerWith(article, question, [{ id: article.id, title: article.title, score: 0 }]));
  }

  continuation(articleId: string, question: string): Promise<string | undefined> {
    const article = this.byId.get(articleId);
    if (!article || isExpired(article, ukDate(this.options.clock.now()))) return Promise.resolve(undefined);
    return Promise.resolve(smsMoreText(article, question));
  }

  articleCount(): number {
    const today = ukDate(this.options.clock.now());
    let n = 0;
    for (const a of this.byId.values()) if (!isExpired(a, today)) n++;
    return n;
  }

  article(id: string): Article | undefined {
    return this.byId.get(id);
  }

  /** Retrieves with the question, and with the model's rephrasing when there is a model; keeps the surer. */
  private async retrieve(question: string): Promise<Retrieved> {
    const original = await this.retriever.invoke(question);
    const model = this.options.queryRewriter;
    if (!model) return original;
    let rephrased: string | undefined;
    try {
      rephrased = await rephraseQuery(model, question);
    } catch (err) {
      // The question itself is patient data: log only that the rewrite failed.
      this.options.logger?.warn({ err: (err as Error).message }, 'query rewrite failed; using the question as asked');
    }
    if (!rephrased) return original;
    const alternative = await this.retriever.invoke(rephrased);
    return (alternative[0]?.metadata.confidence ?? 0) > (original[0]?.metadata.confidence ?? 0) ? alternative : original;
  }
}

export interface BuildOptions extends ArticleKnowledgeBaseOptions {
  embeddings?: EmbeddingsInterface;
  vectorCache?: Map<string, number[]>;
}

/**
 * The default composition: lexical alone, or lexical and vector fused when an embeddings provider is given.
 * Fused, the vectors help rank, but whether to answer rests on the lexical confidence of the article chosen
 * (0 if lexical retrieval did not find it): the threshold was calibrated on lexical scores, and an embeddings
 * model's similarities are not calibrated at all. A wrong answer is worse than none.
 */
export async function buildKnowledgeBase(articles: readonly Article[], options: BuildOptions): Promise<ArticleKnowledgeBase> {
  // An answer that leans on a model is not kept: a model's passing failure (the answer falls back to the
  // words alone) would otherwise stick for the rest of the day.
  if (options.queryRewriter || options.embeddings) options = { ...options, answerCacheSize: options.answerCacheSize ?? 0 };
  if (options.retriever) return new ArticleKnowledgeBase(articles, options);
  const lexical = new LexicalRetriever(articles);
  if (!options.embeddings) return new ArticleKnowledgeBase(articles, { ...options, retriever: lexical });
  let vector: VectorRetriever;
  try {
    vector = await VectorRetriever.create(articles, options.embeddings, { cache: options.vectorCache });
  } catch (err) {
    // The embedded lexical retriever stands on its own: a provider outage degrades ranking, not service.
    options.logger?.warn({ problem: (err as Error).message }, 'embeddings unavailable; answering with lexical retrieval only');
    return new ArticleKnowledgeBase(articles, { ...options, retriever: lexical });
  }
  const onError = (err: unknown) => options.logger?.warn({ problem: (err as Error).message }, 'a retriever failed; answering from the others');
  return new ArticleKnowledgeBase(articles, { ...options, retriever: new RankFusionRetriever([lexical, vector], { confidenceFrom: [0], onError }) });
}
