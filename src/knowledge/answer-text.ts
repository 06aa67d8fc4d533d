import type { Article, Section } from './article.js';
import { gsm7Length, toGsm7, truncateGsm7 } from './gsm7.js';
import { searchTerms } from './search-terms.js';

/** One SMS reply, however many segments it is sent in (Twilio's limit). */
export const SMS_MAX = 1600;

export const NOT_SURE_TEXT =
  "I'm not sure I have reliable information on that. I can pass your question to a care co-ordinator: just say 'talk to someone'.";

const GENERAL_INFO = 'This is general information, not advice about your own care.';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2026-11-20" -> "20 Nov 2026". */
export function formatReviewDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d} ${MONTHS[(m ?? 1) - 1]} ${y}`;
}

// Terms of each section, worked out once per loaded article rather than on every question.
const sectionTerms = new WeakMap<Section, { heading: string[]; text: string[] }>();
function termsOf(section: Section) {
  let terms = sectionTerms.get(section);
  if (!terms) sectionTerms.set(section, (terms = { heading: searchTerms(section.heading), text: searchTerms(section.text) }));
  return terms;
}

/** The section that shares most terms with the question (heading words count double); the first on a tie. */
export function relevantSection(article: Article, question: string): Section | undefined {
  const wanted = new Set(searchTerms(question));
  let best: Section | undefined;
  let bestScore = -1;
  for (const section of article.sections) {
    const terms = termsOf(section);
    const heading = terms.heading.filter((t) => wanted.has(t)).length;
    const text = terms.text.filter((t) => wanted.has(t)).length;
    const score = 2 * heading + text;
    if (score > bestScore) {
      best = section;
      bestScore = score;
    }
  }
  return best;
}

/** Markdown to plain text for SMS: no emphasis marks, links as their text, bullets as "-". */
export function plainText(markdown: string): string {
  return markdown
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1')
    .replace(/^#{1,6}\s+(.*)$/gm, '$1:')
    .replace(/^\s*[*+]\s+/gm, '- ')
    .replace(/(\*\*|__)(.*?)\1/g, '$2')
    .replace(/(^|[^*\w])[*_]([^*_\n]+)[*_](?=[^*\w]|$)/g, '$1$2')
    .replace(/`([^`]*)`/g, '$1')
    .replace(/^>\s?/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export interface AnswerText {
  chat: string;
  sms: string;
  smsMore?: string;
}

function sourceLine(article: Article): string {
  return `Source: ${article.title}, reviewed ${formatReviewDate(article.lastReviewed)}.`;
}

// The question chooses only the section: each article's answer is written once per section chosen (the
// SMS text's GSM-7 conversion and cutting to length cost more than the rest of an answer).
const written = new WeakMap<Article, Map<Section | undefined, Readonly<AnswerText>>>();

/** Extractive answer: the article's own words (summary and one passage), never generated text. */
export function answerText(article: Article, question: string): Readonly<AnswerText> {
  const section = relevantSection(article, question);
  let bySection = written.get(article);
  if (!bySection) written.set(article, (bySection = new Map()));
  let text = bySection.get(section);
  if (!text) bySection.set(section, (text = Object.freeze(writeAnswer(article, section))));
  return text;
}

function writeAnswer(article: Article, section: Section | undefined): AnswerText {
  const source = sourceLine(article);
  const passage = section ? `${section.heading ? `**${section.heading}**\n\n` : ''}${section.text}` : '';
  const chat = [`**${article.title}**`, article.summary, passage, `_${source} ${GENERAL_INFO}_`].filter(Boolean).join('\n\n');

  // SMS: the summary always fits (under 300 characters); the rest of the article waits for "MORE".
  const smsMore = writeSmsMore(article, section);
  const sms = fitSms([toGsm7(article.summary), toGsm7(source), 'General information, not personal advice.', smsMore ? 'Reply MORE for more' : '']);
  return smsMore ? { chat, sms, smsMore } : { chat, sms };
}

/**
 * The SMS reply to "MORE": the article's sections, the one most relevant to the question first, then "When to
 * get help" (so that a cut for length never drops it), then the rest; undefined when there is nothing more.
 */
export function smsMoreText(article: Article, question: string): string | undefined {
  return answerText(article, question).smsMore;
}

function writeSmsMore(article: Article, section: Section | undefined): string | undefined {
  const help = article.sections.find((s) => /when to get help|get help|urgent/i.test(s.heading));
  const first = [section, help].filter((s, i, all): s is Section => s !== undefined && all.indexOf(s) === i);
  const ordered = [...first, ...article.sections.filter((s) => !first.includes(s))];
  const rest = toGsm7(plainText(ordered.map((s) => (s.heading ? `## ${s.heading}\n${s.text}` : s.text)).join('\n\n')));
  if (rest.length === 0) return undefined;
  const source = toGsm7(sourceLine(article));
  return `${truncateGsm7(rest, SMS_MAX - gsm7Length(source) - 2)}\n\n${source}`;
}

/** Asked above the titles of the articles offered (buttons on chat, numbered on SMS). */
export const CHOICES_PROMPT = 'I found a few articles that might answer that. Which one fits your question best?';
/** The last option offered beside the articles: goes to the concern dialog, to a care co-ordinator. */
export const NONE_OF_THESE = 'None of these: talk to someone';

/** The choices as text, for the kb tool and any caller that shows them without a dialog. */
export function choicesText(choices: readonly { title: string }[]): AnswerText {
  const options = [...choices.map((c) => c.title), NONE_OF_THESE];
  return {
    chat: [CHOICES_PROMPT, ...options.map((o) => `- ${o}`)].join('\n'),
    sms: toGsm7([CHOICES_PROMPT, ...options.map((o, i) => `${i + 1}. ${o}`)].join('\n')),
  };
}

// Converted once: every decline gives it.
const NOT_SURE_SMS = toGsm7(NOT_SURE_TEXT);

export function notSureText(): AnswerText {
  return { chat: NOT_SURE_TEXT, sms: NOT_SURE_SMS };
}

/** Joins lines and keeps the whole within one SMS reply, shortening the first (longest) part if needed. */
function fitSms(parts: string[]): string {
  const lines = parts.filter(Boolean);
  const tail = lines.slice(1).join('\n');
  const room = SMS_MAX - gsm7Length(tail) - 1;
  return [truncateGsm7(lines[0] ?? '', room), tail].filter(Boolean).join('\n');
}
