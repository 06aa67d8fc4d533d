import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concernFields, E164_PATTERN, toE164 } from '../../../src/concerns/model.js';

/** SMS senders and typed numbers go through one parser, and the concern schema takes whatever it gives. */
describe('phone numbers', () => {
  it('reads a short E.164 sender (7 digits) and the concern schema accepts it', () => {
    expect(toE164('+6907290')).toBe('+6907290'); // Tokelau mobile
    expect(concernFields.phone.safeParse('+6907290').success).toBe(true);
  });

  it('gives nothing outside the stored pattern, though libphonenumber calls it possible', () => {
    expect(toE164('+432222')).toBeUndefined(); // 6 digits
    expect(toE164('+6222222222222222222')).toBeUndefined(); // 19 digits
  });

  it('every number it gives passes the concern schema', () => {
    const typed = fc.oneof(
      fc.stringMatching(/^\+[1-9]\d{4,18}$/),
      fc.stringMatching(/^0\d{6,11}$/),
      fc.stringMatching(/^(\+44|0044|0) ?7\d{3} ?\d{6}$/),
    );
    fc.assert(
      fc.property(typed, (input) => {
        const number = toE164(input);
        if (number === undefined) return;
        expect(number).toMatch(E164_PATTERN);
        expect(concernFields.phone.safeParse(number).success).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
