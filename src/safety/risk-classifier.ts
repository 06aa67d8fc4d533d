import naiveBayes from 'wink-naive-bayes-text-classifier';
import { z } from 'zod';
import { MODEL_ASSESSED_FLAG } from './model-urgency-check.js';
import type { RedFlag } from './red-flags.js';
import { kindOddsOf } from './kind-odds.js';
import { FeatureShapes, FeatureTable, type FoundFeatures, type TableWord } from './known-features.js';
import { riskFeatures } from './risk-features.js';
import { markDecimals, normaliseWords } from './text-normalise.js';

/** The red flag recorded when the classifier alone raised an emergency: the general instruction. */
export const CLASSIFIER_FLAG: RedFlag = {
  ...MODEL_ASSESSED_FLAG,
  id: 'classifier-assessed',
  explain: 'The statistical classifier, trained on the screening corpus, judged this an emergency; no concept rule matched.',
};

/** One message of the screening corpus (knowledge/screening/corpus/*.jsonl), labelled by a person. */
export const labelledMessageSchema = z.strictObject({
  text: z.string().trim().min(1),
  emergency: z.boolean(),
  /** The kind of emergency (or of the near miss): a red flag's `kinds` entry, or "routine". */
  kind: z.string().regex(/^[a-z0-9-]+$/).default('routine'),
});
export type LabelledMessage = z.infer<typeof labelledMessageSchema>;

/** Where the classifier's score turns into action; chosen for sensitivity on messages it was not trained on. */
export const classifierSettingsSchema = z.object({
  owner: z.string().min(3),
  clinicalReviewer: z.string().min(3),
  clinicalSignOff: z.enum(['pending', 'signed-off']),
  lastReviewed: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  reviewDue: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** At or above: an emergency, as if a red flag had matched. */
  raiseAt: z.number(),
  /** At or above (and below raiseAt): uncertain risk, asked about with the check question. */
  askAt: z.number(),
});
export type ClassifierSettings = z.infer<typeof classifierSettingsSchema>;

export type RiskVerdict = 'raise' | 'ask' | 'calm';

/** A message's features the classifier knows (see knownFeatures): good until the next message's are found. */
export type MessageFeatures = FoundFeatures;
/** A word as the classifier reads it (see readWord). */
export type ClassifierWord = TableWord;

/**
 * The classifier's log odds are the prior plus one term per known feature, so each feature's term is
 * worked out once, from the library's own odds for that feature alone, and a message is scored by adding
 * them up: the library's answer, without its per-call work over every label (a test holds them equal).
 */
function weightsOf(model: ReturnType<typeof naiveBayes>, vocabulary: Set<string>, emergencies: number, calm: number) {
  const prior = Math.log2(emergencies) - Math.log2(calm);
  const byFeature = new Map<string, number>();
  for (const feature of vocabulary) {
    const odds = model.computeOdds([feature]).find(([label]) => label === EMERGENCY)?.[1];
    if (odds !== undefined && odds !== 0) byFeature.set(feature, odds - prior);
  }
  return { prior, byFeature };
}

export interface RiskClassifier {
  readonly settings: ClassifierSettings;
  readonly examples: number;
  /** Log (base 2) odds that the message reports an emergency happening now. */
  score(text: string): number;
  /**
   * The features of the message the classifier knows, from its words as the screen has them (normaliseWords,
   * decimals marked): for scoreKnown and kindOfKnown, which give what score and kindOf give, more quickly.
   */
  knownFeatures(words: readonly string[]): MessageFeatures;
  /**
   * One word as knownFeatures reads it, for a caller that remembers the words it has read (the screen, which
   * looks each word up once for its rules and the classifier): knownFeaturesOfRead gives knownFeatures' answer.
   */
  readWord(word: string): ClassifierWord;
  knownFeaturesOfRead(words: readonly ClassifierWord[]): MessageFeatures;
  scoreKnown(features: MessageFeatures): number;
  /** The same log odds the library's own (slower) way: the test that holds `score` equal to it uses this. */
  libraryScore(text: string): number;
  verdict(score: number): RiskVerdict;
  /** The most likely kind of emergency the message describes, from the emergencies in the corpus. */
  kindOf(text: string): string | undefined;
  kindOfKnown(features: MessageFeatures): string | undefined;
  /** The kind the library's own (slower) way: the test that holds `kindOf` equal to it uses this. */
  libraryKindOf(text: string): string | undefined;
}

const EMERGENCY = 'emergency';
const CALM = 'calm';

/**
 * A naive Bayes classifier over word stems, neighbouring pairs and reading bands (see riskFeatures), and a
 * second one over the kinds of emergency. Training is deterministic (counts, in file order) and takes
 * milliseconds, so it is done at start-up and on every reload of the corpus.
 */
export function trainRiskClassifier(corpus: LabelledMessage[], settings: ClassifierSettings): RiskClassifier {
  const urgency = naiveBayes();
  const kinds = naiveBayes();
  // Presence, not counts: a word said twice is no more urgent. Light smoothing: the corpus is small.
  urgency.defineConfig({ considerOnlyPresence: true, smoothingFactor: 0.5 });
  kinds.defineConfig({ considerOnlyPresence: true, smoothingFactor: 0.5 });
  const kindLabels = new Set<string>();
  const vocabulary = new Set<string>();
  const counted = { [EMERGENCY]: 0, [CALM]: 0 };
  // riskFeatures of each message, remembering what each feature is made of (for the FeatureTable).
  const shapes = new FeatureShapes();
  for (const message of corpus) {
    const features = shapes.of(normaliseWords(markDecimals(message.text)));
    if (features.length === 0) continue;
    const label = message.emergency ? EMERGENCY : CALM;
    urgency.learn(features, label);
    counted[label]++;
    for (const f of features) vocabulary.add(f);
    if (message.emergency) {
      kinds.learn(features, message.kind);
      kindLabels.add(message.kind);
    }
  }
  urgency.consolidate();
  // The kinds model needs two labels to say anything.
  if (kindLabels.size > 1) kinds.consolidate();
  const weights = weightsOf(urgency, vocabulary, counted[EMERGENCY], counted[CALM]);
  const kindOdds = kindLabels.size > 1 ? kindOddsOf(kinds) : undefined;
  // The table adds up the prior and each known feature's weight as it finds them, in score's order.
  const table = new FeatureTable(shapes, (feature) => ({ weight: weights.byFeature.get(feature), kind: kindOdds?.offsetOf(feature) }), weights.prior);
  const knownFeatures = (words: readonly string[]) => table.find(words);
  // Only unknown words: no evidence either way.
  const scoreKnown = (features: MessageFeatures) => (features.weighted === 0 ? -Infinity : features.score);
  const kindOfKnown = (features: MessageFeatures) => {
    if (!kindOdds) return [...kindLabels][0];
    const label = kindOdds.predict(features.kinds);
    return label === 'unknown' ? undefined : label;
  };

  return {
    settings,
    examples: corpus.length,
    // The plain definition, from the features written out; the screen uses scoreKnown.
    score(text) {
      let score = weights.prior;
      let known = 0;
      for (const feature of riskFeatures(text)) {
        const weight = weights.byFeature.get(feature);
        if (weight === undefined) continue;
        score += weight;
        known++;
      }
      // Only unknown words: no evidence either way.
      return known === 0 ? -Infinity : score;
    },
    knownFeatures,
    readWord: (word) => table.read(word),
    knownFeaturesOfRead: (words) => table.findRead(words),
    scoreKnown,
    libraryScore(text) {
      const odds = urgency.computeOdds(riskFeatures(text)).find(([label]) => label === EMERGENCY);
      return odds && odds[1] !== 0 ? odds[1] : -Infinity;
    },
    verdict(score) {
      if (score >= settings.raiseAt) return 'raise';
      return score >= settings.askAt ? 'ask' : 'calm';
    },
    kindOf: (text) => kindOfKnown(knownFeatures(normaliseWords(markDecimals(text)))),
    kindOfKnown,
    libraryKindOf(text) {
      if (kindLabels.size < 2) return [...kindLabels][0];
      const label = kinds.predict(riskFeatures(text));
      return label === 'unknown' ? undefined : label;
    },
  };
}
