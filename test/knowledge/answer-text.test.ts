import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseArticle } from '../../src/knowledge/article-file.js';
import type { Article } from '../../src/knowledge/article.js';
import { answerText, formatReviewDate, notSureText, SMS_MAX } from '../../src/knowledge/answer-text.js';
import { gsm7Length, isGsm7, toGsm7, truncateGsm7 } from '../../src/knowledge/gsm7.js';
import { ARTICLES, articleMarkdown, type ArticleSpec } from './fixtures.js';

function article(spec: ArticleSpec): Article {
  const parsed = parseArticle(articleMarkdown(spec), `articles/${spec.id}.md`);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.article;
}

describe('answer text', () => {
  const spacer = article(ARTICLES[2]!);

  it('quotes the summary and the most relevant section, with title, review date and a general-information line', () => {
    const { chat } = answerText(spacer, 'how do i clean my spacer');
    expect(chat).toContain(spacer.summary);
    expect(chat).toContain('Wash it in warm soapy water');
    expect(chat).not.toContain('Put one puff into the spacer');
    expect(chat).toContain('Using your asthma inhaler and spacer, reviewed 20 Nov 2026');
    expect(chat).toContain('general information');
  });

  it('sends the summary, source and an offer of more by SMS, and the rest on MORE', () => {
    const a = answerText(spacer, 'how do i clean my spacer');
    expect(a.sms).toBe(`${spacer.summary}\nSource: Using your asthma inhaler and spacer, reviewed 20 Nov 2026.\nGeneral information, not personal advice.\nReply MORE for more`);
    expect(a.smsMore).toMatch(/^Cleaning your spacer:\nWash it/);
    expect(a.smsMore).toContain('Using a spacer:');
  });

  it('puts "When to get help" straight after the relevant passage on MORE, so that a cut never drops it', () => {
    const long = article({ ...ARTICLES[0]!, body: `## Ways to order\n\n${'Use the NHS App. '.repeat(60)}\n\n## How long it takes\n\n${'Allow 3 days. '.repeat(80)}\n\n## When to get help\n\nIf you have run out, ask a pharmacist today.` });
    const { smsMore } = answerText(long, 'how do i order');
    expect(smsMore).toMatch(/^Ways to order:[^]*When to get help:\nIf you have run out, ask a pharmacist today\.\n\nHow long it takes:/);
    expect(smsMore!.length).toBeLessThanOrEqual(SMS_MAX);
  });

  it('keeps SMS within 1,600 GSM-7 characters whatever the article holds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 20, maxLength: 299 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6000 }), (summary, body) => {
        const a = { ...spacer, summary, body, sections: [{ heading: 'Body', text: body }] };
        const text = answerText(a, 'spacer');
        for (const sms of [text.sms, text.smsMore ?? '']) {
          expect(isGsm7(sms)).toBe(true);
          expect(gsm7Length(sms)).toBeLessThanOrEqual(SMS_MAX);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('turns typographic characters into GSM-7 equivalents and drops emoji', () => {
    expect(toGsm7('It\u2019s \u201cfine\u201d \u2013 really\u2026 \u{1F60A}caf\u00e9 na\u00efve')).toBe('It\'s "fine" - really... café naive');
  });

  it('cuts long SMS text at a boundary and marks the cut', () => {
    const cut = truncateGsm7('One sentence here. '.repeat(200), 100);
    expect(gsm7Length(cut)).toBeLessThanOrEqual(100);
    expect(cut.endsWith('...')).toBe(true);
  });

  it('counts extension characters as two', () => {
    expect(gsm7Length('[a]€')).toBe(7);
  });

  it('says plainly when it is not sure and offers a co-ordinator', () => {
    const { chat, sms } = notSureText();
    expect(chat).toMatch(/^I'm not sure I have reliable information on that/);
    expect(chat).toContain("say 'talk to someone'");
    expect(isGsm7(sms)).toBe(true);
  });

  it('writes review dates as d Mon yyyy', () => {
    expect(formatReviewDate('2027-03-05')).toBe('5 Mar 2027');
  });
});
