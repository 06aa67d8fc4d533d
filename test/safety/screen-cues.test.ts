import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  anyOf, ANY_ASKING_ONLY, ANY_MESSAGE_ASKS, ANY_QUESTION_CUE, ASKING_ONLY, FIGURE_OF_SPEECH, HAPPENING_NOW, hasWordsOfLetters, isFigureOfSpeech, isHappeningNow,
  isLongAgo, isPastOnly, LONG_AGO, MESSAGE_ASKS, NOT_NOW, PAST_ONLY,
  prefiltered, QUESTION_CUES, withoutNotNow,
} from '../../src/safety/screen-cues.js';

/**
 * Text made of what the cues match (fast-check writes strings that match each, their \b and lookbehind left
 * out, so that some match and some just miss), their words and a few others, joined by spaces.
 */
function cueText(cues: RegExp[]) {
  const writes = cues.map((cue) => fc.stringMatching(new RegExp(cue.source.replace(/\\b/g, '').replace(/\(\?<!\([^)]*\) \)/g, ''))));
  const words = [...new Set(cues.flatMap((cue) => cue.source.match(/[a-z0-9]+/g) ?? []))];
  const piece = fc.oneof(fc.oneof(...writes), fc.constantFrom(...words), fc.constantFrom('now', 'not', 'fine', 'he', 'x', '?', '12'));
  return fc.array(piece, { maxLength: 8 }).map((pieces) => pieces.join(' '));
}

describe('cues joined into one expression', () => {
  it.each([
    ['question cues', QUESTION_CUES, ANY_QUESTION_CUE],
    ['asking only', ASKING_ONLY, ANY_ASKING_ONLY],
    ['message asks', MESSAGE_ASKS, ANY_MESSAGE_ASKS],
  ])('match wherever one of the %s does, and nowhere else', (_, cues, joined) => {
    fc.assert(
      fc.property(cueText(cues), (text) => {
        expect(joined.test(text)).toBe(cues.some((cue) => cue.test(text)));
      }),
      { numRuns: 2_000 },
    );
  });

  it.each([
    ['long ago', LONG_AGO, isLongAgo],
    ['past only', PAST_ONLY, isPastOnly],
    ['happening now', HAPPENING_NOW, isHappeningNow],
    ['figure of speech', FIGURE_OF_SPEECH, isFigureOfSpeech],
  ])('read only where one of their words is: the %s cue prefiltered matches exactly where the expression does', (_, cue, quick) => {
    fc.assert(
      fc.property(cueText([cue]), (text) => {
        expect(quick(text)).toBe(cue.test(text));
      }),
      { numRuns: 3_000 },
    );
  });

  it('refuse a cue with state to prefilter', () => {
    expect(() => prefiltered(/a/g, ['a'])).toThrow();
  });

  it('refuse cues with flags, which one expression could not keep', () => {
    expect(() => anyOf([/a/i])).toThrow();
  });
});

describe('the quick readings of a message', () => {
  it('take out "not ... now" exactly as the expression does', () => {
    fc.assert(
      fc.property(cueText([NOT_NOW]), (text) => {
        NOT_NOW.lastIndex = 0;
        expect(withoutNotNow(text)).toBe(text.replace(NOT_NOW, ''));
      }),
      { numRuns: 2_000 },
    );
  });

  it('count words of letters as far as needed, as counting them all would', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '1', ' ', 'é'), maxLength: 20 }), fc.integer({ min: 0, max: 5 }), (text, n) => {
        expect(hasWordsOfLetters(text, n)).toBe((text.match(/[a-z]{2,}/g)?.length ?? 0) >= n);
      }),
    );
  });
});
