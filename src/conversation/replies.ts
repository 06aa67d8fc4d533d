import type { Channel, QueueItem } from '../concerns/concern-queue.js';
import { labelOf } from '../concerns/model.js';

export function greeting(channel: Channel): string {
  const intro = 'Hello, I am Carepoint, the single point of contact for your care.';
  const notForEmergencies = channel === 'sms'
    ? 'This is not for emergencies: call 999, or 111 if it is urgent.'
    : 'I am not for emergencies. In an emergency call 999; if it is urgent but not an emergency, call NHS 111.';
  const can = 'I can answer questions about your condition and your care from NHS-based information, pass a concern to a care co-ordinator, or tell you the status of a concern.';
  const prompt = channel === 'sms' ? 'Text your question, or WORRIED to raise a concern.' : 'Ask me a question, or say "I\'m worried about..." to raise a concern.';
  return [intro, notForEmergencies, can, prompt].join(channel === 'sms' ? ' ' : '\n\n');
}

export function help(channel: Channel): string {
  return [
    'You can:',
    '- ask a question, for example "how do I get my repeat prescription?"',
    '- say "I\'m worried about..." or "talk to someone" to pass a concern to a care co-ordinator',
    '- send your reference (like CP-7F3K2Q) or "any update?" to hear how your concern is going',
    // On SMS "cancel" and "stop" opt the number out of texts, so SMS users are given other words.
    channel === 'sms' ? '- reply NEVER MIND to stop what we are doing, or START AGAIN to start over' : '- say "cancel" or "start again" at any time',
    'In an emergency call 999. If it is urgent but not an emergency, call NHS 111.',
  ].join('\n');
}

const STATUS_WORDS: Record<QueueItem['status'], string> = {
  open: 'is waiting for a care co-ordinator to pick it up',
  claimed: 'is with a care co-ordinator',
  resolved: 'has been dealt with',
};

export function statusReply(items: QueueItem[], asked?: string): string {
  if (items.length === 0) {
    return asked
      ? `I cannot find a concern with the reference ${asked} raised from here. Please check the reference, or say "talk to someone" to raise a new concern.`
      : 'I cannot find any concerns raised from here. Say "talk to someone" if you would like to raise one.';
  }
  const lines = items.slice(0, 3).map((item) => {
    const what = typeof item.details.kind === 'string' ? `${labelOf(item.details.kind).toLowerCase()} ` : '';
    const raised = new Date(item.createdAt).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/London' });
    return `${item.reference}: your ${what}concern raised ${raised} ${STATUS_WORDS[item.status]}.`;
  });
  return lines.join('\n');
}

export function notPersonalAdvice(channel: Channel): string {
  const ask = 'I cannot give advice about your own treatment or say what is wrong: please ask your GP, pharmacist or specialist team before changing anything.';
  const offer = channel === 'sms' ? 'Reply YES and I will pass your question to a care co-ordinator.' : 'Say "yes" and I will pass your question to a care co-ordinator.';
  return `${ask} If it is urgent, call NHS 111. ${offer}`;
}

/** Short friendly replies to small talk; a goodbye carries the 999/111 reminder. */
export function smallTalkReply(kind: 'greeting' | 'thanks' | 'goodbye' | 'ok', channel: Channel): string {
  const next = channel === 'sms' ? 'Text a question, or WORRIED to raise a concern.' : 'Ask me a question, or say "talk to someone" to raise a concern.';
  switch (kind) {
    case 'greeting':
      return `Hello again. ${next}`;
    case 'thanks':
      return 'You are welcome. I am here any time.';
    case 'goodbye':
      return 'Goodbye, take care. In an emergency call 999; if it is urgent, call NHS 111.';
    case 'ok':
      return `OK. ${next}`;
  }
}
