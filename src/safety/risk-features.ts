import { normaliseWords, stem } from './text-normalise.js';

/**
 * The features the risk classifier sees in a message: word stems, pairs of neighbouring stems ("not
 * breath", "chest tight"), and readings as a measure next to a band ("potassium n6.5+"), so that it learns
 * from meaning-bearing pieces rather than whole phrasings. One function, for training and for scoring.
 */
export function riskFeatures(text: string): string[] {
  const words = normaliseWords(text.replace(/(\d)\.(\d)/g, '$1dot$2'));
  const stems = words.map((word) => (/^\d/.test(word) ? band(word) : stemOf(word)));
  // Words just after "not" or "if" are marked as such ("not_droop", "if_breath"): a denied or supposed
  // symptom is evidence of something else than a reported one.
  const features = new Set<string>();
  let scope = '';
  let left = 0;
  for (const s of stems) {
    if (SCOPE_OPENERS.has(s)) {
      scope = SCOPE_OPENERS.get(s)!;
      left = SCOPE_LENGTH;
    } else if (SCOPE_CLOSERS.has(s)) left = 0;
    features.add(left > 0 && !SCOPE_OPENERS.has(s) ? `${scope}${s}` : s);
    if (left > 0 && !SCOPE_OPENERS.has(s)) left--;
  }
  for (let i = 1; i < stems.length; i++) features.add(`${stems[i - 1]} ${stems[i]}`);
  return [...features];
}

const SCOPE_OPENERS = new Map([['not', 'not_'], ['no', 'not_'], ['never', 'not_'], ['without', 'not_'], ['if', 'if_']]);
const SCOPE_CLOSERS = new Set(['but', 'and', 'now', 'so', 'though', 'howev', 'still']);
const SCOPE_LENGTH = 3;

// Stemming is most of the cost of a message's features, and people use the same few thousand words.
const stems = new Map<string, string>();
function stemOf(word: string): string {
  let known = stems.get(word);
  if (known === undefined) {
    if (stems.size >= 50_000) stems.clear(); // bounded: a flood of made-up words cannot grow it for ever
    known = stem(word);
    stems.set(word, known);
  }
  return known;
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
