import { normaliseWords, stem } from './text-normalise.js';

/**
 * The features the risk classifier sees in a message: word stems, pairs of neighbouring stems ("not
 * breath", "chest tight"), and readings as a measure next to a band ("potassium n6.5+"), so that it learns
 * from meaning-bearing pieces rather than whole phrasings. One function, for training and for scoring.
 */
export function riskFeatures(text: string): string[] {
  const words = normaliseWords(text.replace(/(\d)\.(\d)/g, '$1dot$2'));
  const stems = words.map((word) => (/^\d/.test(word) ? band(word) : stemOf(word)));
  // The first content word after "not" or "if" is marked as such ("not_droop", "if_breath"): a denied or
  // supposed symptom is evidence of something else than a reported one. Pairs of little words ("and she")
  // carry no meaning and are left out.
  const features = new Set<string>();
  let scope = '';
  stems.forEach((s, i) => {
    if (SCOPE_OPENERS.has(s)) scope = SCOPE_OPENERS.get(s)!;
    else if (scope && !LITTLE.has(s)) {
      features.add(`${scope}${s}`);
      scope = '';
      return;
    }
    features.add(s);
    if (i > 0 && !(LITTLE.has(s) && LITTLE.has(stems[i - 1]!))) features.add(`${stems[i - 1]} ${s}`);
  });
  return [...features];
}

const SCOPE_OPENERS = new Map([['not', 'not_'], ['no', 'not_'], ['never', 'not_'], ['without', 'not_'], ['if', 'if_']]);
/** Stems of little words: pairs of them are no evidence of anything. */
const LITTLE = new Set(['a', 'an', 'the', 'and', 'or', 'but', 'so', 'to', 'of', 'in', 'on', 'at', 'for', 'with', 'is', 'am', 'ar', 'wa', 'were', 'be', 'been', 'ha', 'have', 'had', 'do', 'doe', 'did', 'i', 'he', 'she', 'they', 'we', 'you', 'it', 'my', 'hi', 'her', 'their', 'our', 'your', 'me', 'him', 'them', 'us', 'thi', 'that', 'there', 'what', 'just', 'veri', 'realli', 'bit', 'been', 'will', 'would', 'can', 'could']);

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
