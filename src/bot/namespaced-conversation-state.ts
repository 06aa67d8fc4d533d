import { ConversationState, type TurnContext } from 'botbuilder';
import { channelKeysOf } from './channel.js';

/**
 * Conversation state stored under the channel's own conversation key where it set one (Bot Framework's `bf:`
 * keys), so that a client naming another channel's conversation id never reads or writes that dialog's state.
 */
export class NamespacedConversationState extends ConversationState {
  override getStorageKey(context: TurnContext): string | undefined {
    const key = channelKeysOf(context)?.conversationKey;
    if (!key) return super.getStorageKey(context);
    return `${context.activity.channelId}/conversations/${key}/`;
  }
}
