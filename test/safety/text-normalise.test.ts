import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markDecimals, normaliseWords, wordsWithoutDecimalMarks } from '../../src/safety/text-normalise.js';

describe("a message's words from its words with decimals marked", () => {
  it('are its words normalised from the text, wherever they are given', () => {
    // Pieces that make decimals, spellings ("b4", "can't"), apostrophes of every kind and "dot" itself.
    const piece = fc.constantFrom('1', '2.1', '39.2', '1.2.3', '.', 'b4', 'b4.5', "'", '’', '`', "'s", 'd', 'o', 't', 'D', 'dot', "do'the", "can't", 'im', 'x', ' ', ',', '\n');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (pieces) => {
        const text = pieces.join('');
        const words = wordsWithoutDecimalMarks(text, normaliseWords(markDecimals(text)));
        if (words) expect(words).toEqual(normaliseWords(text));
      }),
      { numRuns: 5_000 },
    );
  });

  it('are given for decimals, and refused where the text writes "dot" (once its apostrophes are dropped)', () => {
    expect(wordsWithoutDecimalMarks('temp 39.2, b4.5', normaliseWords(markDecimals('temp 39.2, b4.5')))).toEqual(['temperature', '39', '2', 'before', '5']);
    expect(wordsWithoutDecimalMarks("do'the 2.1", [])).toBeUndefined();
    expect(wordsWithoutDecimalMarks('DOT 2.1', [])).toBeUndefined();
  });
});
