import { describe, expect, it } from 'vitest';
import { chooseSetting, crossValidate, gateFigures, type GateCase } from '../../src/knowledge/gate-calibration.js';

const covered = (confidence: number, phrases: number, extra: Partial<GateCase> = {}): GateCase =>
  ({ set: 't', expect: ['right'], confidence, phrases, top: 'right', near: ['right', 'other'], personal: false, ...extra });
const offSubject = (confidence: number, phrases: number): GateCase =>
  ({ set: 't', expect: [], confidence, phrases, top: 'other', near: ['other'], personal: false });

describe('the gate, replayed at any setting', () => {
  const cases = [
    covered(0.9, 0), // answered from the right article
    covered(0.9, 0, { top: 'other', near: ['other', 'right'] }), // answered from a wrong one
    covered(0.6, 2), // offered thanks to its phrases
    covered(0.6, 0), // declined
    covered(0.7, 3, { personal: true }), // a personal decision: never offered
    offSubject(0.65, 0),
    offSubject(0.3, 1),
  ];

  it('answers at the answer threshold, offers from the scope score, never offers a personal decision', () => {
    expect(gateFigures(cases, { phraseBonus: 0.1, choiceThreshold: 0.7 })).toEqual({ rightAnsweredOrOffered: 0.4, answeredWrongly: 0.2, outOfScopeDeclined: 1 });
    expect(gateFigures(cases, { phraseBonus: 0, choiceThreshold: 0.6 })).toEqual({ rightAnsweredOrOffered: 0.6, answeredWrongly: 0.2, outOfScopeDeclined: 0.5 });
  });

  it('chooses the setting with most right articles answered or offered among those that decline enough out of scope', () => {
    const chosen = chooseSetting(cases, 1);
    expect(gateFigures(cases, chosen).outOfScopeDeclined).toBe(1);
    expect(gateFigures(cases, chosen).rightAnsweredOrOffered).toBe(0.4);
    expect(chosen.phraseBonus).toBeGreaterThan(0); // without phrases, 0.6 + nothing cannot be told from 0.65 off subject
  });

  it('cross-validates the same way on every run, on folds it did not choose on', () => {
    const many = Array.from({ length: 10 }, () => cases).flat();
    const first = crossValidate(many, 5, 2, 1);
    expect(crossValidate(many, 5, 2, 1)).toEqual(first);
    expect(first.folds).toBe(10);
    expect(first).toMatchObject({ rightAnsweredOrOffered: 0.4, answeredWrongly: 0.2, outOfScopeDeclined: 1 });
  });
});
