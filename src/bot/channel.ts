import type { Activity, TurnContext } from 'botbuilder';
import type { Channel, Requester } from '../concerns/concern-queue.js';
import { currentRequestSource } from '../http/request-source.js';
import { CHANNEL_KEYS, TRUSTED_IDENTITY, type ChannelKeys, type TrustedIdentity } from './turn-keys.js';

/** Bot Framework channel ids that are Carepoint's SMS channel; every other channel is chat. */
export const SMS_CHANNEL_ID = 'sms';

export function channelOf(activity: Partial<Activity>): Channel {
  return activity.channelId === SMS_CHANNEL_ID ? 'sms' : 'chat';
}

export function trustedIdentityOf(context: TurnContext): TrustedIdentity {
  return (context.turnState.get(TRUSTED_IDENTITY) as TrustedIdentity | undefined) ?? {};
}

/** The namespaced keys a channel set for this turn (Bot Framework), if any. */
export function channelKeysOf(context: TurnContext): ChannelKeys | undefined {
  return context.turnState.get(CHANNEL_KEYS) as ChannelKeys | undefined;
}

/**
 * Who is talking, as the queue knows them: the identity a channel adapter verified, or else the
 * channel's user id (which Bot Framework channels authenticate when an app id is configured), in that
 * channel's namespace. The conversation is stored under its channel's key, never under a client-chosen id.
 */
export function requesterOf(context: TurnContext): Requester {
  const activity = context.activity;
  const channel = channelOf(activity);
  const keys = channelKeysOf(context);
  const requesterKey = trustedIdentityOf(context).requesterKey ?? keys?.requesterKey ??
    `${activity.channelId}:${activity.from?.id ?? 'unknown'}`;
  return {
    channel,
    conversationId: keys?.conversationKey ?? activity.conversation?.id ?? 'unknown',
    requesterKey,
    // The client's network address (hashed) where a route knew it; else the person, as the channel vouches (SMS).
    sourceKey: currentRequestSource() ?? requesterKey,
  };
}
