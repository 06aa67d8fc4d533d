import { markDecimals, normaliseWords, stem } from './text-normalise.js';

/**
 * The features the risk classifier sees in a message: word stems, pairs of neighbouring stems ("not
 * breath", "chest tight"), and readings as a measure next to a band ("potassium n6.5+"), so that it learns
 * from meaning-bearing pieces rather than whole phrasings. One function, for training and for scoring.
 */
export function riskFeatures(text: string): string[] {
  return new FeatureStrings().of(normaliseWords(markDecimals(text)));
}

/** The facts of a word's stem, or of a number's band: what features are made of. */
export function wordFacts(word: string): StemFacts {
  return factsOf(/^\d/.test(word) ? band(word) : stem(word));
}

/** What the features need to know of a stem, worked out once for each. */
export interface StemFacts {
  readonly stem: string;
  /** The scope it opens ("not_" for "not", "no", "never", "without"; "if_" for "if"), if any. */
  readonly opener: string | undefined;
  /** A little word: a pair of them is no evidence of anything. */
  readonly little: boolean;
}

const facts = new Map<string, StemFacts>();

function factsOf(stem: string): StemFacts {
  let known = facts.get(stem);
  if (!known) {
    if (facts.size >= 50_000) facts.clear(); // bounded, as the stems are
    known = { stem, opener: SCOPE_OPENERS.get(stem), little: LITTLE.has(stem) };
    facts.set(stem, known);
  }
  return known;
}

/** What a feature is made of, told in the order riskFeatures lists them (a feature may come again). */
export interface FeatureVisitor<Stem extends StemFacts> {
  stem(stem: Stem): void;
  /** The first content word after "not" or "if", marked by its scope ("not_", "if_"). */
  scoped(scope: string, stem: Stem): void;
  /** Neighbouring stems. */
  pair(first: Stem, second: Stem): void;
}

/**
 * The features of a message's stems, told to `visitor` one by one. The first content word after "not" or
 * "if" is marked as such ("not_droop", "if_breath"): a denied or supposed symptom is evidence of something
 * else than a reported one. Pairs of little words ("and she") carry no meaning and are left out.
 */
export function visitFeatures<Stem extends StemFacts>(stems: readonly Stem[], visitor: FeatureVisitor<Stem>): void {
  let scope = '';
  for (let i = 0; i < stems.length; i++) {
    const s = stems[i]!;
    if (s.opener !== undefined) scope = s.opener;
    else if (scope && !s.little) {
      visitor.scoped(scope, s);
      scope = '';
      continue;
    }
    visitor.stem(s);
    if (i > 0 && !(s.little && stems[i - 1]!.little)) visitor.pair(stems[i - 1]!, s);
  }
}

/** How each kind of feature is written: the classifier's vocabulary. */
const featureName = {
  stem: (stem: StemFacts) => stem.stem,
  scoped: (scope: string, stem: StemFacts) => `${scope}${stem.stem}`,
  pair: (first: StemFacts, second: StemFacts) => `${first.stem} ${second.stem}`,
};

/** A message's features written out, each once, in order; each visit returns the feature's name. */
export class FeatureStrings implements FeatureVisitor<StemFacts> {
  protected readonly features = new Set<string>();

  of(words: readonly string[]): string[] {
    this.features.clear();
    visitFeatures(words.map(wordFacts), this);
    return [...this.features];
  }

  stem(stem: StemFacts): string {
    return this.add(featureName.stem(stem));
  }

  scoped(scope: string, stem: StemFacts): string {
    return this.add(featureName.scoped(scope, stem));
  }

  pair(first: StemFacts, second: StemFacts): string {
    return this.add(featureName.pair(first, second));
  }

  private add(name: string): string {
    this.features.add(name);
    return name;
  }
}

const SCOPE_OPENERS = new Map([['not', 'not_'], ['no', 'not_'], ['never', 'not_'], ['without', 'not_'], ['if', 'if_']]);
/** Stems of little words: pairs of them are no evidence of anything. */
const LITTLE = new Set(['a', 'an', 'the', 'and', 'or', 'but', 'so', 'to', 'of', 'in', 'on', 'at', 'for', 'with', 'is', 'am', 'ar', 'wa', 'were', 'be', 'been', 'ha', 'have', 'had', 'do', 'doe', 'did', 'i', 'he', 'she', 'they', 'we', 'you', 'it', 'my', 'hi', 'her', 'their', 'our', 'your', 'me', 'him', 'them', 'us', 'thi', 'that', 'there', 'what', 'just', 'veri', 'realli', 'bit', 'been', 'will', 'would', 'can', 'could']);

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
