import { describe, expect, it } from 'vitest';
import { searchTerms, tokenize, tokenizeSentences } from '../../src/knowledge/search-terms.js';

describe('searchTerms', () => {
  it.each([
    ['meds', 'medicines'],
    ['appt', 'appointment'],
    ['prescrip', 'prescription'],
    ['my bp', 'blood pressure'],
    ['puffer', 'inhaler'],
    ['t2 diabetes', 'type 2 diabetes'],
    ['go to a and e', 'go to A&E'],
    ['go to a&e', 'emergency department'],
  ])('treats the SMS spelling %j as %j', (sms, full) => {
    expect(searchTerms(sms)).toEqual(searchTerms(full));
  });

  it('drops stop words and question words, so that only the subject is searched', () => {
    expect(searchTerms("What's the best way for u to tell me about my tablets?")).toEqual(['best', 'tablet']);
  });

  it('stems, so that word forms meet', () => {
    expect(searchTerms('ordering prescriptions')).toEqual(searchTerms('order prescription'));
  });

  it('keeps numbers, which tell type 1 from type 2', () => {
    expect(searchTerms('type 1')).toEqual(['type', '1']);
  });

  it('gives nothing for a message with no subject', () => {
    expect(searchTerms('hi, can you tell me what I need?')).toEqual([]);
  });
});

describe('searchTerms on words that name JavaScript object properties', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty', '__proto__'])('treats %j as an ordinary word', (word) => {
    expect(() => searchTerms(`my ${word} question`)).not.toThrow();
  });
});

describe('tokenizeSentences', () => {
  it('gives each line or sentence the words tokenize gives it', () => {
    const text = "Don't stop your Meds. Ring A and E (or 111)?\nSugar 3.2, then: call";
    expect(tokenizeSentences(text)).toEqual(text.split(/[\n.?!,;:()]/).map((piece) => tokenize(piece)));
    expect(tokenizeSentences(text)[0]).toEqual(['dont', 'stop', 'your', 'meds']);
    expect(tokenizeSentences(text)[1]).toEqual(['ring', 'a&e']);
  });
});
