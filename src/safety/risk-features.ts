import { normaliseWords, stem } from './text-normalise.js';

/**
 * The features the risk classifier sees in a message: word stems, pairs of neighbouring stems ("not
 * breath", "chest tight"), and readings as a measure next to a band ("potassium n6.5+"), so that it learns
 * from meaning-bearing pieces rather than whole phrasings. One function, for training and for scoring.
 */
export function riskFeatures(text: string): string[] {
  const words = normaliseWords(text.replace(/(\d)\.(\d)/g, '$1dot$2'));
  const stems = words.map((word) => (/^\d/.test(word) ? band(word) : stem(word)));
  const features = new Set<string>(stems);
  for (let i = 1; i < stems.length; i++) features.add(`${stems[i - 1]} ${stems[i]}`);
  return [...features];
}

/** A number as a band a clinician would read it in (blood glucose under 3, potassium 6.5 or more, 30 tablets). */
function band(word: string): string {
  const value = Number.parseFloat(word.replace('dot', '.'));
  if (!Number.isFinite(value)) return 'n?';
  if (value < 3) return 'n<3';
  if (value < 6.5) return 'n3-6';
  if (value < 10) return 'n6.5+';
  if (value < 20) return 'n10+';
  if (value < 40) return 'n20+';
  return 'n40+';
}
