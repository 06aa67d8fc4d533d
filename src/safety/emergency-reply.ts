import type { Channel } from '../concerns/concern-queue.js';
import { describeWorkingHours, isWorkingTime, type WorkingHours } from '../concerns/working-hours.js';
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
  const meanwhile = [...result.matches]
    .sort((a, b) => seriousness(a.flag.kinds) - seriousness(b.flag.kinds))
    .map((m) => (result.aboutOthers && m.flag.meanwhileForOthers) || m.flag.meanwhile)
    .filter((v, i, all) => all.indexOf(v) === i)
    .slice(0, 2);
  return [call, ...meanwhile, 'Do not wait for a reply here.'].join(channel === 'sms' ? '\n' : '\n\n');
}

/**
 * Sent once the emergency is in the co-ordinators' queue, when there is no rota (with one, src/oncall/alerted-note.ts
 * says who is on call). Out of working hours nobody is reachable then, so it says where the emergency went and
 * when it is looked at, not that anyone was alerted.
 */
export function alertedNote(reference: string, channel: Channel, now: Date, hours: WorkingHours): string {
  const note = isWorkingTime(hours, now)
    ? `I have also alerted the care co-ordination team (ref ${reference}), but do not wait for us.`
    : `I have passed this to the care co-ordination team's list (ref ${reference}); it is looked at in working hours (${describeWorkingHours(hours)}). Do not wait for us.`;
  return channel === 'chat' ? `${note} I am still here if you need me.` : note;
}

/** Safety-netting after a message that mentioned a red flag without reporting it as happening now. */
export function safetyNetReply(channel: Channel): string {
  return channel === 'sms'
    ? 'If this is happening now, call 999. If it is urgent but not an emergency, call NHS 111.'
    : 'If any of this is happening now, call 999. If it is urgent but not an emergency, call NHS 111.';
}

/** The NHS Pathways life-threatening checks first: "not breathing" must not be met with advice for breathlessness. */
const MOST_SERIOUS = ['not-breathing', 'unconscious', 'choking', 'severe-bleeding', 'fitting', 'suicidal'];
function seriousness(kinds: string[]): number {
  const ranks = kinds.map((k) => MOST_SERIOUS.indexOf(k)).filter((i) => i >= 0);
  return ranks.length > 0 ? Math.min(...ranks) : MOST_SERIOUS.length;
}
