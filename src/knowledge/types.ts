/** What the conversation needs from the knowledge base: the port that dialogs and tools depend on. */

export interface ArticleMatch {
  id: string;
  title: string;
  score: number;
}

/**
 * Answered: the top article is clearly right. Choices: several articles are plausible, and the person picks
 * one (or "none of these"). Declined: nothing fits well enough, or the best article is out of date.
 */
export type KnowledgeOutcome = 'answered' | 'choices' | 'declined';

export interface KnowledgeAnswer {
  outcome: KnowledgeOutcome;
  /** True only for the "answered" outcome. */
  answered: boolean;
  /** What retrieval found, best first; also filled when not answered, for the co-ordinator and the kb tool. */
  articles: ArticleMatch[];
  /** The articles to offer, best first (at most 3, none out of date), when the outcome is "choices". */
  choices?: ArticleMatch[];
  /** The article answered from, when answered; `id` is what to pass to `continuation` for SMS "MORE". */
  source?: { id: string; title: string; lastReviewed: string; reviewDue: string };
  /** Extractive reply text for chat (summary, relevant passage, source title and review date). */
  chat: string;
  /** Reply text for SMS: the summary, source and review date, and an offer of more; GSM-7 only. */
  sms: string;
  /**
   * The rest of the article for SMS "MORE", when there is more to send, as of now. A "MORE" that comes later
   * should ask `continuation` instead, so that it never sends content withdrawn or changed in between.
   */
  smsMore?: string;
  /** How sure retrieval was of the best article, 0 to 1 (compared with the answer threshold). */
  confidence?: number;
  /**
   * How sure the gate is that the question is on a subject the articles cover (compared with the choice
   * threshold; see `scopeScore`), when something matched.
   */
  scope?: number;
  /**
   * Why it was declined: nothing matched, not sure it is covered, the best article is out of date, or it asks for
   * a decision about the person's own treatment (met with who can decide, never with choices).
   */
  declined?: 'no-match' | 'low-confidence' | 'expired' | 'personal-decision';
}

export interface KnowledgeBase {
  answer(question: string): Promise<KnowledgeAnswer>;
  /**
   * The SMS "MORE" text for an article answered from earlier (the same text `answer(question).smsMore` gives
   * for it), from the content in service now: undefined when the article has since been removed or is past
   * its review-due date, or has nothing more to send.
   */
  continuation(articleId: string, question: string): Promise<string | undefined>;
  /**
   * The answer from one article the person picked from the choices offered for `question`, from the content
   * in service now: undefined when the article has since been removed or is past its review-due date.
   */
  answerFrom(articleId: string, question: string): Promise<KnowledgeAnswer | undefined>;
  /** Number of articles in service (not expired). */
  articleCount(): number;
}
