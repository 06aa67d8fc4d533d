import { setTimeout as sleep } from 'node:timers/promises';
import {
  ActivityTypes, BotAdapter, Channels, TurnContext,
  type Activity, type ConversationReference, type ResourceResponse,
} from 'botbuilder';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { NotFound } from '../../http/errors.js';
import { appendWebChatActivity, startWebChatConversation } from './activity-log.js';

/** The bot as the browser sees it. */
export const WEBCHAT_BOT = { id: 'carepoint', name: 'Carepoint', role: 'bot' } as const;

/**
 * The serviceUrl of conversations on the local transport. A conversation reference carrying it is continued
 * through DirectLineAdapter; Azure Bot Service's Web Chat also says channelId "webchat" but has an https
 * serviceUrl and goes through CloudAdapter.
 */
export const LOCAL_WEBCHAT_SERVICE_URL = 'urn:carepoint:webchat';

type Logic = (context: TurnContext) => Promise<void>;

/** What Web Chat posted, after validation; the user id always comes from the token. */
export interface PostedMessage {
  text: string;
  locale?: string;
  clientActivityId?: string;
}

/**
 * Runs the Carepoint bot for browsers speaking Direct Line to Carepoint itself (no Azure). Incoming activities
 * are echoed into the activity log (Web Chat waits for its own message to come back), the turn runs through
 * the same middleware as every other adapter, and everything the bot sends is appended to the log for the
 * browser's next poll. Proactive messages work the same way through continueConversation.
 */
export class DirectLineAdapter extends BotAdapter {
  constructor(private readonly deps: { db: Database; clock: Clock }) {
    super();
  }

  /** Starts the conversation once and greets, as Direct Line's conversationUpdate does. */
  async startConversation(conversationId: string, userId: string, logic: Logic): Promise<boolean> {
    const created = await startWebChatConversation(this.deps.db, { id: conversationId, userId, at: this.deps.clock.now() });
    if (!created) return false;
    const update: Partial<Activity> = {
      ...this.envelope(conversationId, userId),
      type: ActivityTypes.ConversationUpdate,
      membersAdded: [{ id: userId, name: 'You' }],
    };
    await this.runMiddleware(new TurnContext(this, update), logic);
    return true;
  }

  /** The patient's message: echo it into the log, then run the turn. Returns the message's id. */
  async receiveMessage(conversationId: string, userId: string, posted: PostedMessage, logic: Logic): Promise<string> {
    const activity: Partial<Activity> = {
      ...this.envelope(conversationId, userId),
      type: ActivityTypes.Message,
      text: posted.text,
      textFormat: 'plain',
      ...(posted.locale ? { locale: posted.locale } : {}),
      ...(posted.clientActivityId ? { channelData: { clientActivityID: posted.clientActivityId } } : {}),
    };
    const stored = await appendWebChatActivity(this.deps.db, {
      conversationId,
      activity: browserView(activity),
      clientActivityId: posted.clientActivityId,
      at: this.deps.clock.now(),
    });
    if (stored.outcome === 'no-conversation') throw new NotFound('no such conversation');
    // A re-post of a message already taken: the same id, and no second turn.
    if (stored.outcome === 'duplicate') return stored.id;
    await this.runMiddleware(new TurnContext(this, { ...activity, id: stored.id }), logic);
    return stored.id;
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type === 'delay') {
        await sleep(typeof activity.value === 'number' ? activity.value : 1000);
        responses.push({ id: '' });
        continue;
      }
      // Not for the browser: invoke responses have no invoke here, traces are for the Emulator.
      if (activity.type === ActivityTypes.InvokeResponse || activity.type === ActivityTypes.Trace) {
        responses.push({ id: '' });
        continue;
      }
      const conversationId = activity.conversation?.id ?? context.activity.conversation?.id;
      if (!conversationId) throw new NotFound('no conversation to send to');
      const stored = await appendWebChatActivity(this.deps.db, {
        conversationId,
        activity: browserView({ ...activity, from: WEBCHAT_BOT, timestamp: this.deps.clock.now() }),
        at: this.deps.clock.now(),
      });
      if (stored.outcome !== 'appended') throw new NotFound('no such conversation');
      responses.push({ id: stored.id });
    }
    return responses;
  }

  override async updateActivity(): Promise<void> {
    throw new Error('web chat messages cannot be edited');
  }

  override async deleteActivity(): Promise<void> {
    throw new Error('web chat messages cannot be deleted');
  }

  /** Proactive messages (for example a co-ordinator's reply from the console). */
  override async continueConversation(reference: Partial<ConversationReference>, logic: Logic): Promise<void> {
    const activity = TurnContext.applyConversationReference(
      { type: ActivityTypes.Event, name: 'continueConversation' },
      reference,
      true,
    );
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }

  override async continueConversationAsync(
    _botAppIdOrIdentity: unknown,
    reference: Partial<ConversationReference>,
    logicOrAudience: Logic | string,
    maybeLogic?: Logic,
  ): Promise<void> {
    const logic = typeof logicOrAudience === 'function' ? logicOrAudience : maybeLogic;
    if (!logic) throw new TypeError('continueConversationAsync needs a callback');
    await this.continueConversation(reference, logic);
  }

  private envelope(conversationId: string, userId: string): Partial<Activity> {
    return {
      channelId: Channels.Webchat,
      serviceUrl: LOCAL_WEBCHAT_SERVICE_URL,
      conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
      from: { id: userId, name: 'You', role: 'user' },
      recipient: WEBCHAT_BOT,
      timestamp: this.deps.clock.now(),
    };
  }
}

/** What the browser is given: the activity without server-side routing details. */
function browserView(activity: Partial<Activity>): Partial<Activity> {
  const { serviceUrl: _serviceUrl, ...rest } = activity;
  return rest;
}
