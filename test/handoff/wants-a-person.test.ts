import { describe, expect, it } from 'vitest';
import { defaultWorkingHours } from '../../src/concerns/working-hours.js';
import { handoffEndedNotice, handoffStartedNotice } from '../../src/handoff/notices.js';
import { wantsAPerson, wantsAPersonReply } from '../../src/handoff/wants-a-person.js';
import { isGsm7 } from '../../src/knowledge/gsm7.js';

describe('asking for a live person', () => {
  it.each([
    ['speak to a human', false, true],
    ['Can I talk to a real person please?', false, true],
    ["I'd like to speak with an actual person", false, false], // "an": not a phrase we take as a request
    ['human', false, true],
    ['talk to someone', false, false], // starts the concern dialog, which asks what a co-ordinator needs
    ['talk to someone', true, true], // with a concern open there is nothing left to ask
    ['speak to a person', true, true],
    ['I spoke to a human at the surgery yesterday', true, false],
  ])('"%s" (open concern: %s) asks for a person: %s', (text, open, expected) => {
    expect(wantsAPerson(text, open)).toBe(expected);
  });

  it('tells the truth about when someone can be there', () => {
    const hours = defaultWorkingHours();
    // A Tuesday at 11:00 in London, then a Saturday at 11:00.
    expect(wantsAPersonReply('CP-AAAAAA', new Date('2026-12-01T11:00:00Z'), hours, 'chat')).toMatch(/The team is working now, but I cannot promise how soon/);
    expect(wantsAPersonReply('CP-AAAAAA', new Date('2026-12-05T11:00:00Z'), hours, 'sms')).toMatch(/the earliest anyone can join is on Monday from 8am/);
  });

  it('keeps the handoff notices in GSM-7 and inside one SMS segment', () => {
    const started = handoffStartedNotice('Sam Jones');
    expect(started).toBe('You are now talking to Sam, a care co-ordinator. If this becomes an emergency, call 999.');
    expect(isGsm7(started) && started.length <= 153).toBe(true);
    expect(isGsm7(handoffEndedNotice('hand-back', 'Sam Jones', 'sms'))).toBe(true);
  });
});
