import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance } from '../../src/safety/text-normalise.js';

/** The textbook definition, a whole table per call: what the fast, capped version must agree with. */
function reference(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

describe('editDistance', () => {
  it('counts a slip, a missing or extra letter and a swap of neighbours as one edit each', () => {
    expect(editDistance('breathing', 'breathing', 2)).toBe(0);
    expect(editDistance('breathing', 'breathign', 2)).toBe(1);
    expect(editDistance('breathing', 'brething', 2)).toBe(1);
    expect(editDistance('seizure', 'siezure', 2)).toBe(1);
    expect(editDistance('stroke', 'smoke', 1)).toBe(2);
  });

  it('agrees with the textbook definition up to its cap, and says "more than the cap" beyond it', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 12 });
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 3 }), (a, b, cap) => {
        const distance = reference(a, b);
        if (distance <= cap) expect(editDistance(a, b, cap)).toBe(distance);
        else expect(editDistance(a, b, cap)).toBeGreaterThan(cap);
      }),
      { numRuns: 2_000 },
    );
  });
});
