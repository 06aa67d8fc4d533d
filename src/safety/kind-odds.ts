import type { NaiveBayesTextClassifier } from 'wink-naive-bayes-text-classifier';

/** The kinds model's answer from a message's features, the library's way but quicker (see kindOddsOf). */
export interface KindOdds {
  /** Where the feature's terms are, or undefined when the model never saw it. */
  offsetOf(feature: string): number | undefined;
  /** The library's `predict` for a message whose features the model knows are these (by offset, in order). */
  predict(known: readonly number[]): string;
}

/**
 * The kinds model's prediction worked out as the library works it out (its `odds` and `predict`), term for
 * term and in the same order, so every sum is the same to the last bit, but from its counts (exportJSON)
 * gathered per feature: the library goes over every kind for every kind and feature, which made this the
 * costliest part of screening a long message. A test holds it equal to the library's own answer.
 */
export function kindOddsOf(model: NaiveBayesTextClassifier): KindOdds {
  const [config, samples, count, words, vocabulary] = JSON.parse(model.exportJSON()) as [
    { smoothingFactor: number }, Record<string, number>, Record<string, Record<string, number>>, Record<string, number>, string[],
  ];
  const smoothing = config.smoothingFactor;
  if (!(smoothing > 0)) throw new Error('the kinds model is read with smoothing only');
  const labels = Object.keys(samples);
  const sum = labels.reduce((total, l) => total + samples[l]!, 0);
  const allWords = labels.reduce((total, l) => total + words[l]!, 0);
  const kinds = labels.length;
  // Integers, so "every other kind" is the total less this kind exactly, as the library's own sums are.
  const likelihoodBelow = labels.map((l) => Math.log2(words[l]! + vocabulary.length * smoothing));
  const inverseBelow = labels.map((l) => Math.log2(allWords - words[l]! + vocabulary.length * smoothing));
  const priors = labels.map((l) => Math.log2(samples[l]!) - Math.log2(sum));
  const inversePriors = labels.map((l) => Math.log2(sum - samples[l]!) - Math.log2(sum));
  // Each feature's terms, side by side from its offset: its log likelihood under every kind, then its
  // inverse log likelihood (under all the other kinds) for every kind, each as the library computes it.
  const numbers = new Map(vocabulary.map((feature, f) => [feature, f]));
  // Each feature's count under each kind, read kind by kind (only the counts there are), then its total.
  const under = new Float64Array(vocabulary.length * kinds);
  labels.forEach((l, i) => {
    for (const [feature, n] of Object.entries(count[l]!)) under[numbers.get(feature)! * kinds + i] = n;
  });
  const terms = new Float64Array(vocabulary.length * 2 * kinds);
  for (let f = 0; f < vocabulary.length; f++) {
    let all = 0;
    for (let i = 0; i < kinds; i++) all += under[f * kinds + i]!;
    for (let i = 0; i < kinds; i++) {
      const n = under[f * kinds + i]!;
      terms[f * 2 * kinds + i] = Math.log2(n + smoothing) - likelihoodBelow[i]!;
      terms[f * 2 * kinds + kinds + i] = Math.log2(all - n + smoothing) - inverseBelow[i]!;
    }
  }
  const lh = new Float64Array(kinds);
  const ilh = new Float64Array(kinds);
  return {
    offsetOf(feature) {
      const f = numbers.get(feature);
      return f === undefined ? undefined : f * 2 * kinds;
    },
    predict(known) {
      lh.fill(0);
      ilh.fill(0);
      for (const offset of known) {
        for (let i = 0; i < kinds; i++) {
          const likelihood = lh[i]! + terms[offset + i]!;
          lh[i] = likelihood;
          // The library skips the inverse term while the likelihood sum is exactly 0.
          ilh[i] = ilh[i]! + (likelihood === 0 ? 0 : terms[offset + kinds + i]!);
        }
      }
      if (known.length === 0) return 'unknown';
      // The first kind with the highest odds (the library's sort is stable); odds of exactly 0 are no answer.
      let best = 0;
      let bestOdds = -Infinity;
      for (let i = 0; i < kinds; i++) {
        const odds = lh[i] === 0 ? lh[i]! - ilh[i]! : lh[i]! + priors[i]! - (ilh[i]! + inversePriors[i]!);
        if (odds > bestOdds) {
          best = i;
          bestOdds = odds;
        }
      }
      return bestOdds === 0 ? 'unknown' : labels[best]!;
    },
  };
}
