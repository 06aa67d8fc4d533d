import naiveBayes from 'wink-naive-bayes-text-classifier';
import { z } from 'zod';
import { riskFeatures } from './risk-features.js';

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
  /** At or above: an emergency, as if a red flag had matched. */
  raiseAt: z.number(),
  /** At or above (and below raiseAt): uncertain risk, asked about with the check question. */
  askAt: z.number(),
});
export type ClassifierSettings = z.infer<typeof classifierSettingsSchema>;

export type RiskVerdict = 'raise' | 'ask' | 'calm';

export interface RiskClassifier {
  readonly settings: ClassifierSettings;
  readonly examples: number;
  /** Log (base 2) odds that the message reports an emergency happening now. */
  score(text: string): number;
  verdict(score: number): RiskVerdict;
  /** The most likely kind of emergency the message describes, from the emergencies in the corpus. */
  kindOf(text: string): string | undefined;
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
  for (const message of corpus) {
    const features = riskFeatures(message.text);
    if (features.length === 0) continue;
    urgency.learn(features, message.emergency ? EMERGENCY : CALM);
    if (message.emergency) {
      kinds.learn(features, message.kind);
      kindLabels.add(message.kind);
    }
  }
  urgency.consolidate();
  // The kinds model needs two labels to say anything.
  if (kindLabels.size > 1) kinds.consolidate();

  return {
    settings,
    examples: corpus.length,
    score(text) {
      const features = riskFeatures(text);
      if (features.length === 0) return -Infinity;
      const odds = urgency.computeOdds(features).find(([label]) => label === EMERGENCY);
      // Only unknown words: no evidence either way.
      return odds && odds[1] !== 0 ? odds[1] : -Infinity;
    },
    verdict(score) {
      if (score >= settings.raiseAt) return 'raise';
      return score >= settings.askAt ? 'ask' : 'calm';
    },
    kindOf(text) {
      if (kindLabels.size < 2) return [...kindLabels][0];
      const label = kinds.predict(riskFeatures(text));
      return label === 'unknown' ? undefined : label;
    },
  };
}
