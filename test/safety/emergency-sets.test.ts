import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEmergencyScreen, type EmergencyScreen } from '../../src/safety/emergency-screen.js';
import { loadRedFlags } from '../../src/safety/red-flags.js';
import { evaluateScreening, readScreeningCases, type ScreeningFigures } from '../../src/safety/screening-evaluation.js';
import { trainedScreen } from '../support/trained-screen.js';

const EVAL = new URL('../../knowledge/eval/', import.meta.url);
/**
 * Every set of messages labelled emergency or not. The two hold-out sets were written blind to the red
 * flags; what they first revealed is recorded in the README. They now guard against regressions.
 */
const SETS = ['eval.jsonl', 'emergency-holdout.jsonl', 'emergency-holdout-2.jsonl', 'emergency-holdout-3.jsonl'];

let screen: EmergencyScreen;
beforeAll(async () => {
  const flags = await loadRedFlags(new URL('../../knowledge/red-flags.yaml', import.meta.url).pathname);
  screen = createEmergencyScreen(() => flags);
});

describe.each(SETS)('emergency screening on %s', (file) => {
  const cases = readFileSync(new URL(file, EVAL), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { q: string; emergency?: boolean })
    .filter((c) => c.emergency !== undefined);

  it('catches every emergency', () => {
    const missed = cases.filter((c) => c.emergency && !screen.screen(c.q).emergency).map((c) => c.q);
    expect(missed).toEqual([]);
  });

  it('rarely raises an alarm for a message that is not one (specificity at least 97%)', () => {
    const calm = cases.filter((c) => !c.emergency);
    const alarms = calm.filter((c) => screen.screen(c.q).emergency);
    expect(calm.length).toBeGreaterThan(30);
    expect(1 - alarms.length / calm.length).toBeGreaterThanOrEqual(0.97);
  });
});

/**
 * The blind sets written for the concept rules and the classifier, each measured once before it was used
 * (figures in the README): A, B, C, F, H, I, K, L and M then used for tuning, D, E and J published after their one measure. Floors keep
 * what was reached: every life-threatening emergency and suicidal intent caught, nearly every other emergency, and
 * the hard negatives mostly left alone.
 */
describe.each([
  'blind-a-sms-patients.jsonl', 'blind-b-carers-stories.jsonl', 'blind-c-second-language-young.jsonl',
  'blind-d-final-holdout.jsonl', 'blind-e-polite.jsonl', 'blind-f-mid-conversation.jsonl', 'blind-h-background.jsonl',
  'blind-i-long-messages.jsonl', 'blind-j-voice-and-older.jsonl', 'blind-k-others-and-workers.jsonl',
  'blind-l-regional-and-slang.jsonl', 'blind-m-short-messages.jsonl',
])('the published blind set %s', (file) => {
  let figures: ScreeningFigures;
  beforeAll(async () => {
    figures = evaluateScreening(await trainedScreen(), await readScreeningCases(new URL(`screening/${file}`, EVAL).pathname));
  });

  it('catches every life-threatening emergency and every suicidal intent', () => {
    expect(figures.lifeThreatening.hit).toBe(figures.lifeThreatening.of);
  });

  it('catches at least 97% of emergencies, and asks about the rest', () => {
    expect(figures.sensitivity.hit / figures.sensitivity.of).toBeGreaterThanOrEqual(0.97);
    expect(figures.caughtOrAsked.hit).toBe(figures.caughtOrAsked.of);
  });

  it('leaves at least 85% of the hard negatives without an emergency reply', () => {
    expect(figures.specificity.hit / figures.specificity.of).toBeGreaterThanOrEqual(0.85);
  });
});
