import { describe, expect, it } from 'vitest';
import { withoutCourtesies } from '../../src/knowledge/courtesies.js';

describe('withoutCourtesies', () => {
  it.each([
    ['Dear Sir, who are you and what do you do? Yours faithfully, Mrs K. Morris', 'who are you and what do you do?'],
    ['Should I take two this morning to make up? Mr D. Young', 'Should I take two this morning to make up?'],
    ['Is there any help with the cost? Regards, William Ho', 'Is there any help with the cost?'],
    ['What should I know before I decide? Yours, Mrs Gillian', 'What should I know before I decide?'],
    ['Dear Carepoint team,\nmy mum has dementia and needs a break', 'my mum has dementia and needs a break'],
    ['how do i get pip thanks x', 'how do i get pip'],
    ['can u help with my repeat prescription cheers', 'can u help with my repeat prescription'],
    ['What is a fistula? Kind regards, Jo', 'What is a fistula?'],
  ])('takes the courtesies off %j', (asked, left) => {
    expect(withoutCourtesies(asked)).toBe(left);
  });

  it.each([
    'I want to respect her wishes about the future',
    'which inhaler is best',
    'thank you for your help with my pip form',
    'my dad has best days in the morning, is that normal with dementia',
    'can I see Dr Patel about my medicines review',
  ])('leaves a question with no courtesy at its ends as it is: %j', (asked) => {
    expect(withoutCourtesies(asked)).toBe(asked);
  });

  it('gives the text back when it is nothing but a courtesy', () => {
    expect(withoutCourtesies('Regards')).toBe('Regards');
    expect(withoutCourtesies('Thank you, Mrs Smith')).toBe('Thank you, Mrs Smith');
  });
});
