import { ChoiceFactory } from 'botbuilder-dialogs';
import { describe, expect, it } from 'vitest';
import { smsKeywordOf } from '../../../src/channels/sms/keywords.js';
import { SMS_MAX_LENGTH, joinForSms, smsTextOf } from '../../../src/channels/sms/sms-text.js';
import { parseConfig } from '../../../src/config.js';
import { gsm7Length, isGsm7 } from '../../../src/knowledge/gsm7.js';

describe('SMS wording', () => {
  it.each([
    ['curly quotes and dashes', 'It\u2019s \u201cfine\u201d \u2013 really \u2014 ok\u2026', 'It\'s "fine" - really - ok...'],
    ['bullets', '\u2022 one\n\u2022 two', '- one\n- two'],
    ['markdown bold and italic', 'This is **important** and _this_ too, not snake_case_words', 'This is important and this too, not snake_case_words'],
    ['markdown links', 'See [NHS 111](https://111.nhs.uk) online', 'See NHS 111 (https://111.nhs.uk) online'],
    ['emoji', 'Thank you \u{1F600}', 'Thank you'],
  ])('converts %s to plain GSM-7', (_name, input, expected) => {
    const text = smsTextOf({ text: input });
    expect(text).toBe(expected);
    expect(isGsm7(text)).toBe(true);
  });

  it('turns an inline choice prompt into numbered lines and "Reply 1, 2 or 3"', () => {
    const activity = ChoiceFactory.inline(['Today', 'Soon', 'Not urgent'], 'How soon?');
    expect(smsTextOf(activity)).toBe('How soon?\n1. Today\n2. Soon\n3. Not urgent\nReply 1, 2 or 3');
  });

  it('turns a two-way inline prompt into "Reply 1 or 2"', () => {
    expect(smsTextOf(ChoiceFactory.inline(['Yes', 'No'], 'Is that right?'))).toBe('Is that right?\n1. Yes\n2. No\nReply 1 or 2');
  });

  it('turns a list prompt into numbered lines and the number range', () => {
    const choices = ['Kidney disease, dialysis or transplant', 'Epilepsy', 'Stroke', 'Dementia', 'Diabetes'];
    expect(smsTextOf(ChoiceFactory.list(choices, 'Which condition?'))).toBe(
      'Which condition?\n1. Kidney disease, dialysis or transplant\n2. Epilepsy\n3. Stroke\n4. Dementia\n5. Diabetes\nReply a number from 1 to 5',
    );
  });

  it('turns suggested actions into numbered lines', () => {
    const activity = ChoiceFactory.suggestedAction(['Morning', 'Afternoon'], 'When is best?');
    expect(smsTextOf(activity)).toBe('When is best?\n1. Morning\n2. Afternoon\nReply 1 or 2');
  });

  it('leaves ordinary text with brackets alone', () => {
    expect(smsTextOf({ text: 'Call 111 (or 999 in an emergency).' })).toBe('Call 111 (or 999 in an emergency).');
  });
});

describe('SMS length', () => {
  it('joins a turn\u2019s replies in order into one message when they fit', () => {
    expect(joinForSms(['Call 999 now.', 'When you are safe, we can carry on.'])).toEqual(['Call 999 now.\n\nWhen you are safe, we can carry on.']);
  });

  it('never sends a message over 1,600 characters, and loses nothing', () => {
    const paragraph = 'This sentence is part of a long answer about medicines. '.repeat(20).trim();
    const long = Array.from({ length: 5 }, () => paragraph).join('\n\n');
    const messages = joinForSms(['Call 999 now.', long]);
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) expect(gsm7Length(m)).toBeLessThanOrEqual(SMS_MAX_LENGTH);
    expect(messages[0]!.startsWith('Call 999 now.')).toBe(true);
    expect(messages.join(' ').replace(/\s+/g, ' ')).toBe(`Call 999 now. ${long}`.replace(/\s+/g, ' '));
  });
});

describe('SMS keywords (whole message, any case, as Twilio matches them)', () => {
  it.each(['STOP', 'stop', ' Stop ', 'STOPALL', 'unsubscribe', 'CANCEL', 'end', 'QUIT'])('%s opts out', (word) => {
    expect(smsKeywordOf(word)).toBe('opt-out');
  });
  it.each(['START', 'unstop'])('%s opts in', (word) => expect(smsKeywordOf(word)).toBe('opt-in'));
  it('HELP asks for help', () => expect(smsKeywordOf('help')).toBe('help'));
  it.each(['stop texting me about my appointment', 'please stop', 'start again', 'help me'])('"%s" is an ordinary message', (text) => {
    expect(smsKeywordOf(text)).toBeUndefined();
  });
});

describe('SMS configuration', () => {
  it('requires TWILIO_AUTH_TOKEN in production', () => {
    const result = parseConfig({ NODE_ENV: 'production', LOG_HASH_SECRET: 'x'.repeat(32) });
    const errors = result.ok ? [] : result.errors;
    expect(errors.some((e) => e.startsWith('TWILIO_AUTH_TOKEN: '))).toBe(true);
  });

  it('does not require it in development', () => {
    expect(parseConfig({ NODE_ENV: 'development' }).ok).toBe(true);
  });
});
