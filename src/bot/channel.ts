import type { Activity, TurnContext } from 'botbuilder';
import type { Channel, Requester } from '../queue/concern-queue.js';
import { TRUSTED_IDENTITY, type TrustedIdentity } from './turn-keys.js';

/** Bot Framework channel ids that are Carepoint's SMS channel; every other channel is chat. */
export const SMS_CHANNEL_ID = 'sms';

export function channelOf(activity: Partial<Activity>): Channel {
  return activity.channelId === SMS_CHANNEL_ID ? 'sms' : 'chat';
}

export function trustedIdentityOf(context: TurnContext): TrustedIdentity {
  return (context.turnState.get(TRUSTED_IDENTITY) as TrustedIdentity | undefined) ?? {};
}

/**
 * Who is talking, as the queue knows them: the identity a channel adapter verified, or else the
 * channel's user id (which Bot Framework channels authenticate when an app id is configured).
 */
export function requesterOf(context: TurnContext): Requester {
  const activity = context.activity;
  const channel = channelOf(activity);
  const requesterKey = trustedIdentityOf(context).requesterKey ?? `${activity.channelId}:${activity.from?.id ?? 'unknown'}`;
  return { channel, conversationId: activity.conversation?.id ?? 'unknown', requesterKey };
}
