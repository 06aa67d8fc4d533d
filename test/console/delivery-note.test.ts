import { describe, expect, it } from 'vitest';
import { deliveryNote } from '../../src/console/pages/transcript.js';

/** What the console says of a reply's delivery: only as much as its route can know. */
describe("a reply's delivery in the console's words", () => {
  it.each([
    ['webchat', null, 'sent', 'sent: their chat has not fetched it yet'],
    ['webchat', null, 'delivered', 'delivered: their chat has fetched it'],
    ['sms', null, 'queued', 'queued'],
    ['sms', null, 'sent', 'sent'],
    ['sms', null, 'delivered', 'delivered'],
    ['bot-framework', 'msteams', 'sent', 'sent to Teams: the channel does not say when it is read'],
    ['bot-framework', 'emulator', 'sent', 'sent to the Emulator: the channel does not say when it is read'],
    ['bot-framework', 'kik', 'sent', 'sent to the channel (kik): the channel does not say when it is read'],
    ['webchat', null, 'sending', 'being sent'],
  ] as const)('%s (%s) %s: "%s"', (kind, channelId, status, words) => {
    expect(deliveryNote(status, null, { kind, channelId })).toBe(words);
  });

  it('says why a reply failed', () => {
    expect(deliveryNote('failed', 'opted-out: the number has opted out of texts (STOP)', { kind: 'sms', channelId: 'sms' }))
      .toBe('not delivered: opted-out: the number has opted out of texts (STOP)');
  });
});
