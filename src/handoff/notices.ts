import type { Channel } from '../concerns/concern-queue.js';
import { greeting } from '../conversation/replies.js';
import type { EndReason } from './sql/holder.js';

/** The name a patient is told: the first word of the co-ordinator's display name ("Sam" of "Sam Jones"). */
export function spokenName(displayName: string): string {
  return displayName.trim().split(/\s+/)[0] || 'a care co-ordinator';
}

/** Plain ASCII on purpose: it is GSM-7 and one SMS segment whatever the name's length within reason. */
export function handoffStartedNotice(coordinatorName: string): string {
  return `You are now talking to ${spokenName(coordinatorName)}, a care co-ordinator. If this becomes an emergency, call 999.`;
}

const ENDED: Record<EndReason, (name: string) => string> = {
  'hand-back': (name) => `${name} has passed you back to Carepoint's assistant.`,
  resolved: (name) => `${name} has finished and closed this concern.`,
  released: (name) => `${name} has left the conversation.`,
  'lease-expired': () => 'The care co-ordinator is no longer in this conversation.',
};

/** Told when the assistant takes the conversation back; it then greets, as at the start of a conversation. */
export function handoffEndedNotice(reason: EndReason, coordinatorName: string, channel: Channel): string {
  return `${ENDED[reason](spokenName(coordinatorName))} ${channel === 'sms' ? '' : '\n\n'}${greeting(channel)}`.replace(/ \n\n/, '\n\n');
}
