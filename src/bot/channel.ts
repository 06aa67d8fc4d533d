import type { Activity } from 'botbuilder';
import type { Channel, Requester } from '../queue/concern-queue.js';

/** Bot Framework channel ids that are Carepoint's SMS channel; every other channel is chat. */
export const SMS_CHANNEL_ID = 'sms';

export function channelOf(activity: Partial<Activity>): Channel {
  return activity.channelId === SMS_CHANNEL_ID ? 'sms' : 'chat';
}

/**
 * Who is talking, as the queue knows them. A channel adapter may name a linked patient record in
 * `channelData.requesterKey` (SMS numbers registered to a patient); otherwise it is the channel's user id.
 */
export function requesterOf(activity: Partial<Activity>): Requester {
  const channel = channelOf(activity);
  const linked = (activity.channelData as { requesterKey?: unknown } | undefined)?.requesterKey;
  const requesterKey = typeof linked === 'string' ? linked : `${activity.channelId}:${activity.from?.id ?? 'unknown'}`;
  return { channel, conversationId: activity.conversation?.id ?? 'unknown', requesterKey };
}
