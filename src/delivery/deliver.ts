import { ActionTypes, ActivityTypes, type Activity, type ConversationReference, type TurnContext } from 'botbuilder';
import type { Clock } from '../clock.js';
import type { Database, Queryable } from '../db/database.js';
import type { Logger } from '../logging.js';
import { enqueueSms } from '../channels/sms/outbox.js';
import { phoneOfConversation } from '../channels/sms/sms-contacts.js';
import { appendWebChatActivity } from '../channels/webchat/activity-log.js';
import { LOCAL_WEBCHAT_SERVICE_URL, WEBCHAT_BOT } from '../channels/webchat/direct-line-adapter.js';
import { raiseDeadLetter } from './dead-letters.js';
import { finishDeliveryAttempt, releaseDeliveryKey, takeDeliveryKey, type DeliveryRoute } from './delivery-attempts.js';

export interface DeliveryResult {
  status: 'sent' | 'queued' | 'failed';
  reason?: string;
}

export interface DeliverOptions {
  /**
   * Makes the delivery once-only: a second call with the same key returns the first call's result and sends
   * nothing (a job run again after a crash). A Bot Framework send cut off mid-way returns failed, "unknown".
   */
  key?: string;
  /** The concern it is about (SMS outbox rows name it, so a contact problem lands on it). */
  concernId?: string;
  /** Buttons under the message on chat (a feedback score); SMS has none: its text says what to reply. */
  choices?: string[];
}

/** A chat message, with its buttons when there are choices. */
function chatActivity(text: string, choices: string[] | undefined): Partial<Activity> {
  return {
    type: ActivityTypes.Message, text, textFormat: 'plain',
    ...(choices?.length ? { suggestedActions: { to: [], actions: choices.map((c) => ({ type: ActionTypes.ImBack, title: c, value: c })) } } : {}),
  };
}

/** The one way anything reaches a patient outside a turn: the channel is picked from the stored conversation. */
export interface DeliveryPort {
  deliver(conversationId: string, text: string, options?: DeliverOptions): Promise<DeliveryResult>;
}

/** A delivery that could not be made now but may work later (a connector's outage): the caller retries. */
export class RetryableDeliveryError extends Error {
  override name = 'RetryableDeliveryError';
}

export interface BotFrameworkProactive {
  /** CloudAdapter.continueConversationAsync, bound to the app id. */
  continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void>;
}

export interface DeliveryDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
  botFramework: BotFrameworkProactive;
}

export interface StoredConversation {
  channel: 'chat' | 'sms';
  reference: Partial<ConversationReference> | null;
}

/** Which way a stored conversation is reached: its id and reference say it (src/bot/channel.ts, direct-line-adapter.ts). */
export function routeOf(conversationId: string, stored: StoredConversation): DeliveryRoute {
  if (stored.channel === 'sms' || phoneOfConversation(conversationId)) return 'sms';
  if (stored.reference?.serviceUrl === LOCAL_WEBCHAT_SERVICE_URL) return 'webchat';
  return 'bot-framework';
}

export function createDelivery(deps: DeliveryDeps): DeliveryPort {
  const { db, clock, logger } = deps;
  return {
    async deliver(conversationId, text, options = {}) {
      const { rows } = await db.query<StoredConversation>('select channel, reference from conversations where id = $1', [conversationId]);
      const stored = rows[0];
      if (!stored) return { status: 'failed', reason: 'no-conversation: Carepoint has no record of this conversation' };
      const route = routeOf(conversationId, stored);
      const log = logger.child({ event: 'delivery', route });
      const key = options.key;
      if (route === 'bot-framework') return deliverProactively(deps, conversationId, stored.reference, text, { key, concernId: options.concernId, choices: options.choices }, log);
      // SMS and the local web chat write to a table: the key, the channel's row and the transcript commit together.
      return db.transaction(async (tx) => {
        if (key) {
          const earlier = await takeDeliveryKey(tx, { key, conversationId, route, status: 'sending' });
          if (earlier) return resultOf(earlier);
        }
        const result = route === 'sms'
          ? await toSmsOutbox(tx, clock, conversationId, text, key, options.concernId)
          : await toWebChatLog(tx, clock, conversationId, text, key, options.choices);
        if (result.status !== 'failed') await recordInTranscript(tx, conversationId, text, clock.now());
        if (key) await finishDeliveryAttempt(tx, key, result.status, result.reason);
        log.info({ status: result.status }, 'delivered to the channel');
        return result;
      });
    },
  };
}

function resultOf(attempt: { status: string; reason: string | null }): DeliveryResult {
  if (attempt.status === 'sending') {
    return { status: 'failed', reason: 'delivery-unknown: the server stopped while sending; check with the person before resending' };
  }
  return { status: attempt.status as DeliveryResult['status'], ...(attempt.reason ? { reason: attempt.reason } : {}) };
}

async function toSmsOutbox(tx: Queryable, clock: Clock, conversationId: string, text: string, key: string | undefined, concernId?: string): Promise<DeliveryResult> {
  const phone = phoneOfConversation(conversationId);
  if (!phone) return { status: 'failed', reason: 'no-number: not an SMS conversation' };
  // enqueueSms brings the text into GSM-7 and SMS length (sms-text.ts), and marks rows to opted-out numbers skipped.
  const items = await enqueueSms(tx, clock, { phone, text, purpose: 'coordinator-message', conversationId, concernId });
  if (key) await tx.query('update sms_outbox set delivery_key = $2 where id = any($1::bigint[])', [items.map((i) => i.id), key]);
  if (items.some((i) => i.status === 'skipped')) return { status: 'failed', reason: 'opted-out: the number has opted out of texts (STOP)' };
  return { status: 'queued' };
}

async function toWebChatLog(tx: Queryable, clock: Clock, conversationId: string, text: string, key: string | undefined, choices?: string[]): Promise<DeliveryResult> {
  const appended = await appendWebChatActivity(tx, {
    conversationId,
    activity: { ...chatActivity(text, choices), from: WEBCHAT_BOT, timestamp: clock.now(), conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' } },
    clientActivityId: key,
    at: clock.now(),
  });
  if (appended.outcome === 'no-conversation') return { status: 'failed', reason: 'no-conversation: the web chat has ended' };
  return { status: 'sent' };
}

async function recordInTranscript(tx: Queryable, conversationId: string, text: string, at: Date): Promise<void> {
  await tx.query(`insert into messages (conversation_id, direction, text, created_at) values ($1, 'out', $2, $3)`, [conversationId, text, at]);
}

/**
 * Bot Framework: a proactive message from the stored reference (survives a restart), through the adapter's
 * middleware, which records it in the transcript. The key is committed as 'sending' before the connector is
 * asked: there is no idempotency key at the connector, so a send cut off by a crash is reported, never repeated.
 */
async function deliverProactively(
  deps: DeliveryDeps,
  conversationId: string,
  reference: Partial<ConversationReference> | null,
  text: string,
  { key, concernId, choices }: DeliverOptions,
  log: Logger,
): Promise<DeliveryResult> {
  const { db } = deps;
  if (!reference?.serviceUrl || !reference.conversation?.id) return { status: 'failed', reason: 'no-reference: the conversation cannot be messaged later' };
  if (key) {
    const earlier = await takeDeliveryKey(db, { key, conversationId, route: 'bot-framework', status: 'sending' });
    if (earlier) return resultOf(earlier);
  }
  try {
    // The send's own failure is caught here: left to the adapter, onTurnError would swallow it (and apologise).
    let refused: unknown;
    await deps.botFramework.continueConversation(reference, async (context) => {
      await context.sendActivity(chatActivity(text, choices)).catch((error: unknown) => (refused = error ?? new Error('send failed')));
    });
    if (refused) throw refused;
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 403 || status === 404) {
      const reason = status === 403
        ? 'bot-framework-403: the channel refused the message (the bot was removed or blocked)'
        : 'bot-framework-404: the conversation no longer exists on the channel';
      if (key) await finishDeliveryAttempt(db, key, 'failed', reason);
      log.warn({ statusCode: status }, 'proactive message refused');
      // Given up on, like an SMS after its last retry: a dead letter on the concern, and an alert line.
      await raiseDeadLetter(db, deps.clock, log, {
        channel: 'bot-framework', purpose: 'coordinator-message', sourceId: key ?? `${conversationId}:${Date.now()}`,
        concernId: concernId ?? null, conversationId, reason, code: status, attempts: 1,
      });
      return { status: 'failed', reason };
    }
    // Not taken by the connector (an outage, a timeout before an answer is treated alike): try again later.
    if (key) await releaseDeliveryKey(db, key);
    log.warn({ statusCode: status }, 'proactive message not sent; will retry');
    throw new RetryableDeliveryError(`the Bot Framework connector did not take the message${status ? ` (${status})` : ''}`);
  }
  if (key) await finishDeliveryAttempt(db, key, 'sent');
  log.info({ status: 'sent' }, 'delivered to the channel');
  return { status: 'sent' };
}
