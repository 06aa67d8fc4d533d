import { describe, expect, it } from 'vitest';
import { handoffEndedNotice, handoffStartedNotice } from '../../src/handoff/notices.js';
import { wantsAPerson, wantsAPersonReply } from '../../src/handoff/wants-a-person.js';
import { isGsm7 } from '../../src/knowledge/gsm7.js';

describe('asking for a live person', () => {
  it.each([
    ['speak to a human', true],
    ['Can I talk to a real person please?', true],
    ["I'd like to speak with an actual person", false], // "an": not a phrase we take as a request
    ['human', true],
    ['talk to someone', true], // one path, concern open or not: the details are offered after the request
    ['I need to speak to somebody', true],
    ['speak to a person', true],
    ['I spoke to a human at the surgery yesterday', false],
    ['I talked to someone at the pharmacy', false],
  ])('"%s" asks for a person: %s', (text, expected) => {
    expect(wantsAPerson(text)).toBe(expected);
  });

  it('says whether someone can join now, gives the promise it is handed, and offers to take the details', () => {
    const promise = 'A care co-ordinator aims to contact you within 2 working days. If things get worse, call NHS 111, or 999 in an emergency.';
    expect(wantsAPersonReply({ reference: 'CP-AAAAAA', promise, teamWorking: true, offerDetails: false, channel: 'chat' }))
      .toBe(`I have asked a care co-ordinator to join this conversation (reference CP-AAAAAA). ${promise}`);
    const sms = wantsAPersonReply({ reference: 'CP-AAAAAA', promise, teamWorking: false, offerDetails: true, channel: 'sms' });
    expect(sms).toMatch(/^I have asked a care co-ordinator to contact you \(reference CP-AAAAAA\)\. [^]*Reply YES to start\.$/);
    expect(isGsm7(sms)).toBe(true);
  });

  it('keeps the handoff notices in GSM-7 and inside one SMS segment', () => {
    const started = handoffStartedNotice('Sam Jones');
    expect(started).toBe('You are now talking to Sam, a care co-ordinator. If this becomes an emergency, call 999.');
    expect(isGsm7(started) && started.length <= 153).toBe(true);
    expect(isGsm7(handoffEndedNotice('hand-back', 'Sam Jones', 'sms'))).toBe(true);
  });
});
