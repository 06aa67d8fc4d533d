import { describe, expect, it } from 'vitest';
import { isNewRequest, isSkip, scoreOf } from '../../src/patient-updates/feedback-step.js';

/** What counts as an answer to the feedback question (src/patient-updates/feedback-step.ts). */
describe('answers to the feedback question', () => {
  it.each([
    ['4', 4], ['4.', 4], ['  5  ', 5], ['4 - good', 4], ['5 excellent thanks', 5], ['five', 5], ['Five!', 5], ['3/5', 3], ['2 out of 5', 2], ['1 very poor', 1],
  ])('reads %j as the score %d', (text, score) => expect(scoreOf(text)).toBe(score));

  it.each(['0', '6', '12', '4.5', '1 my dad is not breathing', '3 questions about my tablets', 'good', ''])('reads %j as no score', (text) => {
    expect(scoreOf(text)).toBeUndefined();
  });

  it.each(['SKIP', 'skip.', 'no thanks', 'Nothing', 'no'])('takes %j as skipping the comment', (text) => expect(isSkip(text)).toBe(true));

  it.each(['how do I order a repeat prescription', 'what is an egfr blood test?', 'talk to someone', 'any update?', 'CP-7F3K2Q', 'help', 'Can I change my appointment'])(
    'takes %j as a new request, not a comment', (text) => expect(isNewRequest(text)).toBe(true),
  );

  it.each(['Sam was very kind', 'The wait was too long', 'It took three phone calls to get through', 'Great service'])('takes %j as a comment', (text) => {
    expect(isNewRequest(text)).toBe(false);
  });
});
