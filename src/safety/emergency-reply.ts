import type { Channel } from '../concerns/concern-queue.js';
import type { ScreenResult } from './emergency-screen.js';

/**
 * The emergency instruction, sent before anything is stored (storage may be slow or down). The call to
 * action comes first and is short, so that on SMS it sits in the first segment.
 */
export function emergencyInstruction(result: ScreenResult, channel: Channel): string {
  const call = result.advice === '111'
    ? 'Call NHS 111 now (or 999 if they are getting worse or you are very worried).'
    : 'Call 999 now. This could be an emergency.';
  // What to do meanwhile is chosen for who it is about, where the red flags file says it differs.
  const meanwhile = result.matches
    .map((m) => (result.aboutOthers && m.flag.meanwhileForOthers) || m.flag.meanwhile)
    .filter((v, i, all) => all.indexOf(v) === i)
    .slice(0, 2);
  return [call, ...meanwhile, 'Do not wait for a reply here.'].join(channel === 'sms' ? '\n' : '\n\n');
}

/** Sent once the emergency is in the co-ordinators' queue. */
export function alertedNote(reference: string, channel: Channel): string {
  const note = `I have also alerted the care co-ordination team (ref ${reference}), but do not wait for us.`;
  return channel === 'chat' ? `${note} I am still here if you need me.` : note;
}

/** Safety-netting after a message that mentioned a red flag without reporting it as happening now. */
export function safetyNetReply(channel: Channel): string {
  return channel === 'sms'
    ? 'If this is happening now, call 999. If it is urgent but not an emergency, call NHS 111.'
    : 'If any of this is happening now, call 999. If it is urgent but not an emergency, call NHS 111.';
}
