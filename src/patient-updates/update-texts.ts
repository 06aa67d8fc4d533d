import type { Channel, Outcome } from '../concerns/concern-queue.js';
import { spokenName } from '../handoff/notices.js';

// Plain ASCII on purpose: every update is GSM-7 on SMS as written, and short (enqueueSms still brings it into
// GSM-7 and the length limit, src/channels/sms/sms-text.ts).

/** "Sam from the co-ordination team is looking at your concern CP-7F3K2Q." */
export function claimedText(coordinatorName: string, reference: string): string {
  return `${spokenName(coordinatorName)} from the co-ordination team is looking at your concern ${reference}. If things get worse, call NHS 111, or 999 in an emergency.`;
}

/** The outcome the console records (src/concerns/sql/resolve.ts), in the person's words. */
const OUTCOME_WORDS: Record<Outcome, string> = {
  'advice-given': 'a care co-ordinator has given advice about it',
  'referral-chased': 'we have chased up the referral',
  'appointment-arranged': 'an appointment has been arranged',
  'passed-to-gp': 'we have passed it to your GP practice',
  'passed-to-specialist-team': 'we have passed it to your specialist team',
  other: 'the co-ordination team has dealt with it',
};

export const SCORES = ['1', '2', '3', '4', '5'];

/** The feedback question as each channel asks it: buttons on chat (SCORES), the numbers to text on SMS. */
export function feedbackQuestion(channel: Channel): string {
  return channel === 'sms'
    ? 'How well did we deal with it? Reply 1 to 5 (1 is poor, 5 is very good).'
    : 'How well did we deal with it? Choose a score from 1 (poor) to 5 (very good).';
}

export function resolvedText(reference: string, outcome: Outcome | null, ask: { channel: Channel } | undefined): string {
  const done = `Your concern ${reference} is now closed: ${OUTCOME_WORDS[outcome ?? 'other']}. If anything changes, message us again. In an emergency call 999.`;
  return ask ? `${done}\n\n${feedbackQuestion(ask.channel)}` : done;
}

/** Past the target time with nobody in touch: said so, what happens next (the rota's), and the safety net. */
export function overdueText(reference: string, targetLabel: string, whatNext: string): string {
  return `We are sorry: nobody from the co-ordination team has been in touch about your concern ${reference} within our target time (${targetLabel}). ${whatNext}`;
}

export function commentQuestion(channel: Channel): string {
  return channel === 'sms'
    ? 'Thank you. Is there anything you would like to add? Text it in one message, or reply SKIP.'
    : 'Thank you. Is there anything you would like to add? Type it in one message, or reply SKIP.';
}

export const FEEDBACK_THANKS = 'Thank you for your feedback. It helps us improve the service.';
export const FEEDBACK_SKIPPED = 'OK, thank you.';
