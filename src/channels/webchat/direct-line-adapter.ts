import { setTimeout as sleep } from 'node:timers/promises';
import {
  ActivityTypes, BotAdapter, Channels, TurnContext,
  type Activity, type ConversationReference, type ResourceResponse,
} from 'botbuilder';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { NotFound } from '../../http/errors.js';
import { appendWebChatActivity, startWebChatConversation, type AppendResult } from './activity-log.js';
import { within } from '../../deadline.js';
import { EMERGENCY_DEADLINE } from '../../bot/turn-keys.js';
import { randomUUID } from 'node:crypto';

/** How long writing to the activity log may take before the activity is held in memory instead. */
const LOG_WAIT_MS = 2_000;

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
  /** Activities the log could not take (storage down or hung), per conversation, for this instance's next poll. */
  private readonly held = new Map<string, Partial<Activity>[]>();

  constructor(private readonly deps: { db: Database; clock: Clock }) {
    super();
  }

  hasHeld(conversationId: string): boolean {
    return this.held.has(conversationId);
  }

  /** The held activities of a conversation, handed out once (a poll answered from memory while storage is away). */
  takeHeld(conversationId: string): Partial<Activity>[] {
    const held = this.held.get(conversationId) ?? [];
    this.held.delete(conversationId);
    return held;
  }

  /** Appends to the log, or, when storage fails or is too slow, holds the activity in memory under an id of its own. */
  private async appendOrHold(
    conversationId: string,
    activity: Partial<Activity>,
    options: { clientActivityId?: string; bounded: boolean },
  ): Promise<AppendResult> {
    try {
      const appending = appendWebChatActivity(this.deps.db, { conversationId, activity, clientActivityId: options.clientActivityId, at: this.deps.clock.now() });
      return await (options.bounded ? within(appending, LOG_WAIT_MS, 'web chat activity log') : appending);
    } catch {
      const id = `${conversationId}|held-${randomUUID()}`;
      this.held.set(conversationId, [...(this.held.get(conversationId) ?? []), { ...activity, id }]);
      return { outcome: 'appended', id, seq: -1 };
    }
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
    // With storage down the echo is held in memory and the turn runs all the same: the message is screened
    // first, as on every channel, and a red flag gets its 999 instruction.
    const stored = await this.appendOrHold(conversationId, browserView(activity), { clientActivityId: posted.clientActivityId, bounded: true });
    if (stored.outcome === 'no-conversation') throw new NotFound('no such conversation');
    // A re-post of a message already taken has the same id: the middleware treats it as a repeated delivery
    // (processed again only if the first turn died, src/bot/turn-leases.ts).
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
      // Only an emergency turn's replies stop waiting on a slow log; any reply is held when storage fails outright.
      const bounded = context.turnState.get(EMERGENCY_DEADLINE) !== undefined;
      const stored = await this.appendOrHold(conversationId, browserView({ ...activity, from: WEBCHAT_BOT, timestamp: this.deps.clock.now() }), { bounded });
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
