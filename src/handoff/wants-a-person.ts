import type { Channel } from '../concerns/concern-queue.js';
import { describeWorkingHours, isWorkingTime, nextOpening, type WorkingHours } from '../concerns/working-hours.js';

const clean = (text: string) => text.toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/[^a-z' ]+/g, ' ').replace(/\s+/g, ' ').trim();

/**
 * A whole message asking for a live person rather than the assistant ("speak to a human", "can I talk to a
 * real person"). "talk to someone" on its own stays the concern dialog's opening (src/conversation/intents.ts):
 * it asks the questions a co-ordinator needs first. It counts as a request for a person here only once the
 * conversation already has a concern open (`hasOpenConcern`), when there is nothing left to ask.
 */
export function wantsAPerson(text: string, hasOpenConcern: boolean): boolean {
  const t = clean(text);
  const polite = "(?:(?:can|could|may) i |i(?:'d| would) like to |i want to |i need to |let me |please )?";
  const human = '(?:a )?(?:real |actual |live )?(?:human(?: being)?|real person|actual person|live person)';
  if (new RegExp(`^${polite}(?:speak|talk|chat) (?:to|with) ${human}(?: please)?$`).test(t)) return true;
  if (/^(?:a )?(?:human|real person|live agent)(?: please)?$/.test(t)) return true;
  if (!hasOpenConcern) return false;
  return new RegExp(`^${polite}(?:speak|talk|chat) (?:to|with) (?:someone|somebody|a person|a co ?ordinator|the team)(?: please)?$`).test(t);
}

/** What the person is told: the truth about when someone can be there, from the team's working hours. */
export function wantsAPersonReply(reference: string, now: Date, hours: WorkingHours, channel: Channel): string {
  const emergency = channel === 'sms' ? 'If this becomes an emergency, call 999.' : 'If this becomes an emergency, call 999 now.';
  if (isWorkingTime(hours, now)) {
    return `I have asked a care co-ordinator to join this conversation (reference ${reference}). The team is working now, but I cannot promise how soon someone is free: they will write here when they are. ${emergency}`;
  }
  return `I have asked a care co-ordinator to contact you (reference ${reference}). The team works ${describeWorkingHours(hours)}, so the earliest anyone can join is ${nextOpening(hours, now)}. If it cannot wait, call NHS 111. ${emergency}`;
}
