import { describe, expect, it } from 'vitest';
import { Vocabulary } from '../../src/knowledge/vocabulary.js';

const vocabulary = new Vocabulary([
  'Looking after your fistula: feel for the thrill every day',
  'Tacrolimus and other anti-rejection tablets after a kidney transplant',
  'Personal Independence Payment (PIP) for people with a long-term condition',
  'COPD inhalers and pulmonary rehabilitation (rehab)',
  'Blood test results from your GP practice',
]);

describe('Vocabulary.correct on words split by voice-to-text', () => {
  it.each([
    ['how do i check my fist ula is working', 'fistula'],
    ['do i take tack row limus forever', 'tacrolimus'],
    ['can i apply for p i p', 'pip'],
    ['my c o p d is worse in winter', 'copd'],
    ['what is pull monary re hab', 'pulmonary'],
  ])('joins the pieces in %j into %j', (question, word) => {
    expect(vocabulary.correct(question).words).toContain(word);
  });

  it('never joins words that are already article words', () => {
    expect(vocabulary.correct('my blood test results').words).toEqual(['my', 'blood', 'test', 'results']);
  });

  it('leaves pieces alone when joined they spell no article word', () => {
    expect(vocabulary.correct('where is the car park').words).toEqual(['where', 'is', 'the', 'car', 'park']);
  });
});
