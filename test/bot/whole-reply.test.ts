import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pickedOption } from '../../src/bot/whole-reply.js';

const OPTIONS = ['Kidney diet and fluid', 'Looking after your fistula', 'Haemodialysis', 'None of these: talk to someone'];
const NONE = ['none', 'none of these', 'no', 'talk to someone'];
const pick = (text: string) => pickedOption(text, OPTIONS.map((value, i) => ({ value, synonyms: i === OPTIONS.length - 1 ? NONE : [] })));

describe('a reply read as a pick', () => {
  it('takes a number or position said on its own, with the words people put round it', () => {
    expect(pick('2')).toBe(1);
    expect(pick(' 3. ')).toBe(2);
    expect(pick('option 1')).toBe(0);
    expect(pick('Number 2 please')).toBe(1);
    expect(pick('no. 3')).toBe(2);
    expect(pick('the first one')).toBe(0);
    expect(pick('Second')).toBe(1);
    expect(pick('3rd')).toBe(2);
    expect(pick('the last one')).toBe(3);
    expect(pick('4')).toBe(3);
  });

  it('takes a button title as sent, or words only one title has', () => {
    expect(pick('Haemodialysis')).toBe(2);
    expect(pick('none of these: talk to someone')).toBe(3);
    expect(pick('kidney diet')).toBe(0);
    expect(pick('your fistula')).toBe(1);
  });

  it('takes "none" and its synonyms for the last option', () => {
    expect(pick('None')).toBe(3);
    expect(pick('no')).toBe(3);
    expect(pick('Talk to someone!')).toBe(3);
  });

  it('leaves a new message alone, though it holds a number, a position or a word of a title', () => {
    expect(pick('I take 2 tablets a day, is that ok')).toBeUndefined();
    expect(pick('the first time he had a seizure was at work')).toBeUndefined();
    expect(pick('what should I eat on dialysis')).toBeUndefined();
    expect(pick('5')).toBeUndefined();
    expect(pick('0')).toBeUndefined();
    expect(pick('fistula')).toBeUndefined();
    expect(pick('no one told me about the fistula')).toBeUndefined();
    expect(pick('no one')).toBeUndefined();
    expect(pick('')).toBeUndefined();
  });

  it('never picks an option that is not there, whatever the reply', () => {
    fc.assert(fc.property(fc.string(), (text) => {
      const index = pick(text);
      return index === undefined || (Number.isInteger(index) && index >= 0 && index < OPTIONS.length);
    }));
  });
});
