/**
 * The carrier keywords Twilio acts on for a messaging service, matched as Twilio does: the whole message,
 * trimmed, case-insensitive. "Stop texting me about my appointment" is an ordinary message.
 */
export type SmsKeyword = 'opt-out' | 'opt-in' | 'help';

const OPT_OUT = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']);
const OPT_IN = new Set(['START', 'UNSTOP']);
const HELP = new Set(['HELP']);

export function smsKeywordOf(body: string): SmsKeyword | undefined {
  const word = body.trim().toUpperCase();
  if (OPT_OUT.has(word)) return 'opt-out';
  if (OPT_IN.has(word)) return 'opt-in';
  if (HELP.has(word)) return 'help';
  return undefined;
}

/** What Carepoint is and how to reach help; short enough for one segment pair, in GSM-7. */
export const SMS_HELP_TEXT =
  'Carepoint: the single point of contact for your care, by text. In an emergency call 999; if it is urgent, ' +
  'call NHS 111. Text a question, or "talk to someone" to reach a care co-ordinator. Reply STOP to stop texts.';

export const SMS_OPT_IN_TEXT =
  'Texts from Carepoint are back on. Text a question, or "talk to someone" to reach a care co-ordinator. ' +
  'In an emergency call 999.';

export const SMS_MEDIA_ONLY_TEXT =
  'Sorry, I can only read text, not pictures or files. Please type your message. In an emergency call 999.';

export const SMS_MEDIA_IGNORED_TEXT = 'I can only read text, so I have not seen the picture or file you sent.';
