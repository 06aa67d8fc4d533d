import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEmergencyScreen, type EmergencyScreen } from '../../src/safety/emergency-screen.js';
import { loadRedFlags } from '../../src/safety/red-flags.js';

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
