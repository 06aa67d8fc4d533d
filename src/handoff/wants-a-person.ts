import type { Channel } from '../concerns/concern-queue.js';

const clean = (text: string) => text.toLowerCase().replace(/[\u2018\u2019]/g, "'").replace(/[^a-z' ]+/g, ' ').replace(/\s+/g, ' ').trim();

/**
 * A whole message asking for a live person rather than the assistant ("speak to a human", "can I talk to a
 * real person", "talk to someone"). One path whether or not a concern is open: the request is committed as a
 * wants-a-person concern first, and the details are offered afterwards (src/bot MainDialog), not demanded first.
 */
export function wantsAPerson(text: string): boolean {
  const t = clean(text);
  const polite = "(?:(?:can|could|may) i |i(?:'d| would) like to |i want to |i need to |let me |please )?";
  const person = '(?:a )?(?:real |actual |live )?(?:human(?: being)?|real person|actual person|live person)|someone|somebody|a person|a co ?ordinator|the team';
  if (new RegExp(`^${polite}(?:speak|talk|chat) (?:to|with) (?:${person})(?: please)?$`).test(t)) return true;
  return /^(?:a )?(?:human|real person|live agent)(?: please)?$/.test(t);
}

export interface WantsAPersonReply {
  reference: string;
  /** What they can expect, from the rota, the queue and the concern's priority (src/oncall/contact-promise.ts). */
  promise: string;
  /** Whether the team is working now: someone may join this conversation, or can only contact them later. */
  teamWorking: boolean;
  /** The concern has no details yet: offer to take them now, so that nobody has to ask them again. */
  offerDetails: boolean;
  channel: Channel;
}

/** What the person is told once the request is committed: the truth about when someone can be there. */
export function wantsAPersonReply(reply: WantsAPersonReply): string {
  const asked = reply.teamWorking ? 'to join this conversation' : 'to contact you';
  const told = `I have asked a care co-ordinator ${asked} (reference ${reply.reference}). ${reply.promise}`;
  if (!reply.offerDetails) return told;
  const offer = reply.channel === 'sms'
    ? 'While you wait, I can take the details now, so that you do not have to tell them again. Reply YES to start.'
    : 'While you wait, I can take the details now, so that you do not have to tell them again. Shall we do that?';
  return `${told}\n\n${offer}`;
}

/** Said when the request comes in the middle of giving a concern's details: they carry on, and nothing is lost. */
export const CARRY_ON_WITH_DETAILS = 'Meanwhile, let us carry on with the details: they go to the co-ordinator with your request, so you will not need to tell them again.';
