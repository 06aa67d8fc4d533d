import type { Middleware } from 'botbuilder';
import { CHANNEL_KEYS, type ChannelKeys } from '../bot/turn-keys.js';

/** Every Bot Framework conversation and person is stored under this prefix; no other channel uses it. */
export const BOT_FRAMEWORK_KEY_PREFIX = 'bf:';

/**
 * The keys a Bot Framework activity is stored under: its channel id and conversation (or user) id behind the
 * `bf:` prefix. A client that says `conversation.id: "sms:+447700900111"` gets `bf:emulator:sms:+447700900111`,
 * which is not that patient's SMS conversation.
 */
export function botFrameworkKeys(channelId: string | undefined, conversationId: string, userId: string | undefined): ChannelKeys {
  const channel = channelId ?? 'unknown';
  return {
    conversationKey: `${BOT_FRAMEWORK_KEY_PREFIX}${channel}:${conversationId}`,
    requesterKey: `${BOT_FRAMEWORK_KEY_PREFIX}${channel}:${userId ?? 'unknown'}`,
  };
}

/** The CloudAdapter's first middleware: it runs before the shared middleware reads any key. */
export const botFrameworkNamespace: Middleware = {
  onTurn: async (context, next) => {
    const { activity } = context;
    context.turnState.set(CHANNEL_KEYS, botFrameworkKeys(activity.channelId, activity.conversation?.id ?? '', activity.from?.id));
    await next();
  },
};
