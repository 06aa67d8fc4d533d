import {
  ActivityTypes, BotAdapter, TurnContext, type Activity, type ConversationReference, type ResourceResponse,
} from 'botbuilder';
import { randomUUID } from 'node:crypto';
import { SMS_CHANNEL_ID } from '../../bot/channel.js';
import { REDELIVERY, TRUSTED_IDENTITY, type TrustedIdentity } from '../../bot/turn-keys.js';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { currentLogger } from '../../http/request-context.js';
import type { Logger } from '../../logging.js';
import { enqueueSms, type OutboxPurpose } from './outbox.js';
import { patientIdForPhone, phoneOfConversation, smsConversationId } from './sms-contacts.js';
import { smsTextOf } from './sms-text.js';

/** One inbound text, as the webhook route hands it over (already signature-checked and normalised). */
export interface InboundSms {
  messageSid: string;
  /** The sender, E.164. */
  phone: string;
  body: string;
  numMedia: number;
  /** Set when the number is registered to a patient record. */
  patientId?: string;
  /** This delivery took over a claim whose first attempt died unanswered. */
  redelivery?: boolean;
}

/**
 * What a proactive sender may put in an outgoing activity's channelData. Nothing about who is talking:
 * that is in turn state (TRUSTED_IDENTITY), where no client can write.
 */
export interface SmsChannelData {
  purpose?: OutboxPurpose;
  concernId?: string;
}

/** Who is texting, as the bot reads it: the number, and the patient record it is registered to, if any. */
export function smsIdentityOf(phone: string, patientId: string | undefined): TrustedIdentity {
  return { phone, requesterKey: patientId ? `patient:${patientId}` : `sms:${phone}` };
}

export interface SmsAdapterDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  /** Our Twilio number, as the activity's recipient; 'carepoint' when not configured. */
  botNumber?: string;
  /** Replies after this go out through the outbox, so the webhook still answers well inside Twilio's 15 s. */
  replyDeadlineMs: number;
}

/** Turn-state key: the replies of an inbound turn, collected for the TwiML response. */
const REPLY_BUFFER = Symbol('carepoint.smsReplyBuffer');
interface ReplyBuffer {
  activities: Partial<Activity>[];
  /** The webhook has answered; anything sent now goes through the outbox. */
  closed: boolean;
}

export interface InboundTurnResult {
  replies: Partial<Activity>[];
  /** The turn was still running at the deadline; the rest of its replies go through the outbox. */
  late: boolean;
}

/**
 * Twilio SMS as a Bot Framework channel. It only converts and delivers: an inbound text becomes a message
 * activity that runs through the same middleware and bot as /api/messages; the turn's replies are collected
 * for the webhook's TwiML response; proactive messages (continueConversation) go into the outbox.
 */
export class SmsAdapter extends BotAdapter {
  constructor(private readonly deps: SmsAdapterDeps) {
    super();
  }

  /**
   * The activity contract with the bot: see channelOf/requesterOf in src/bot/channel.ts. Who is texting
   * is not in the activity; processInbound puts it in turn state.
   */
  activityOf(message: InboundSms): Partial<Activity> {
    return {
      type: ActivityTypes.Message,
      id: message.messageSid,
      channelId: SMS_CHANNEL_ID,
      timestamp: this.deps.clock.now(),
      conversation: { id: smsConversationId(message.phone), isGroup: false, conversationType: 'personal', name: '' },
      from: { id: message.phone, name: '', role: 'user' },
      recipient: { id: this.deps.botNumber ?? 'carepoint', name: 'Carepoint', role: 'bot' },
      text: message.body.trim(),
      textFormat: 'plain',
      locale: 'en-GB',
    };
  }

  /**
   * Runs one inbound turn and returns its replies, at the latest when the reply deadline passes. The turn
   * starts at once, also while an earlier text from the same number is still being answered: emergency
   * screening must not wait behind it. Taking a conversation's turns one at a time is the shared
   * middleware's job, after screening (src/bot/conversation-order.ts).
   */
  async processInbound(
    message: InboundSms,
    logic: (context: TurnContext) => Promise<void>,
    replyWithinMs = this.deps.replyDeadlineMs,
  ): Promise<InboundTurnResult> {
    const context = new TurnContext(this, this.activityOf(message));
    // The route checked Twilio's signature, so the sender's number is Twilio's word, not the client's.
    context.turnState.set(TRUSTED_IDENTITY, smsIdentityOf(message.phone, message.patientId));
    if (message.redelivery) context.turnState.set(REDELIVERY, true);
    const buffer: ReplyBuffer = { activities: [], closed: false };
    context.turnState.set(REPLY_BUFFER, buffer);
    const log = currentLogger(this.deps.logger);
    let timer: NodeJS.Timeout | undefined;
    const turn = this.runMiddleware(context, logic).then(() => true);
    const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), replyWithinMs)));
    try {
      const finished = await Promise.race([turn, deadline]);
      if (!finished) {
        log.warn({ event: 'sms-late-turn', deadlineMs: replyWithinMs }, 'SMS turn passed the reply deadline; the rest goes by outbox');
        turn.catch((err: unknown) => log.error({ err }, 'late SMS turn failed'));
      }
      buffer.closed = true;
      return { replies: buffer.activities, late: !finished };
    } finally {
      clearTimeout(timer);
    }
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const buffer = context.turnState.get(REPLY_BUFFER) as ReplyBuffer | undefined;
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      const id = randomUUID();
      responses.push({ id });
      // Typing indicators, delays and traces have no SMS form.
      if (activity.type !== ActivityTypes.Message || (!activity.text && !activity.suggestedActions)) continue;
      if (buffer && !buffer.closed) buffer.activities.push(activity);
      else await this.enqueue(context, activity, buffer ? 'late-reply' : 'coordinator-message');
    }
    return responses;
  }

  override async updateActivity(): Promise<void> {
    throw new Error('SMS messages cannot be changed once sent');
  }

  override async deleteActivity(): Promise<void> {
    throw new Error('SMS messages cannot be deleted once sent');
  }

  /**
   * Proactive messages (a co-ordinator's message, a status update): `logic` runs through the middleware
   * (so the transcript records what is sent) and whatever it sends goes into the outbox. An activity may
   * name its purpose and concern in channelData ({ purpose, concernId }).
   */
  override async continueConversation(
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const phone = phoneOfConversation(reference.conversation?.id);
    if (!phone) throw new Error('not an SMS conversation reference');
    const activity = TurnContext.applyConversationReference(
      { type: ActivityTypes.Event, name: 'continueConversation' },
      { ...reference, channelId: SMS_CHANNEL_ID },
      true,
    );
    const context = new TurnContext(this, activity);
    context.turnState.set(TRUSTED_IDENTITY, smsIdentityOf(phone, await patientIdForPhone(this.deps.db, phone)));
    await this.runMiddleware(context, logic);
  }

  private async enqueue(context: TurnContext, activity: Partial<Activity>, fallback: OutboxPurpose): Promise<void> {
    const conversationId = context.activity.conversation?.id;
    const phone = phoneOfConversation(conversationId);
    if (!phone) throw new Error('not an SMS conversation');
    const data = (activity.channelData ?? {}) as Partial<SmsChannelData>;
    const items = await enqueueSms(this.deps.db, this.deps.clock, {
      phone,
      text: smsTextOf(activity),
      purpose: data.purpose ?? fallback,
      conversationId,
      concernId: data.concernId,
    });
    currentLogger(this.deps.logger).info({ event: 'sms-enqueued', outboxIds: items.map((i) => i.id) }, 'SMS written to outbox');
  }
}
