import type { Channel } from '../queue/concern-queue.js';
import type { ScreenResult } from './emergency-screen.js';

/**
 * The emergency instruction. The call to action comes first and is short, so that on SMS it sits in
 * the first segment even if later segments are delayed.
 */
export function emergencyReply(result: ScreenResult, channel: Channel, alerted: { reference: string } | null): string {
  const call = result.advice === '111'
    ? 'Call NHS 111 now (or 999 if they are getting worse or you are very worried).'
    : 'Call 999 now. This could be an emergency.';
  const meanwhile = result.matches.map((m) => m.flag.meanwhile).filter((v, i, all) => all.indexOf(v) === i).slice(0, 2);
  const team = alerted
    ? `I have also alerted the care co-ordination team (ref ${alerted.reference}), but do not wait for us.`
    : 'Do not wait for a reply here.';
  const parts = [call, ...meanwhile, team];
  if (channel === 'chat') parts.push('I am still here if you need me.');
  return parts.join(channel === 'sms' ? '\n' : '\n\n');
}

/** Safety-netting after a message that mentioned a red flag without reporting it as happening now. */
export function safetyNetReply(channel: Channel): string {
  return channel === 'sms'
    ? 'If this is happening now, call 999. If it is urgent but not an emergency, call NHS 111.'
    : 'If any of this is happening now, call 999. If it is urgent but not an emergency, call NHS 111.';
}
