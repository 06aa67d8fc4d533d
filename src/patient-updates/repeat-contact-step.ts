import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logging.js';
import { requesterOf } from '../bot/channel.js';
import { CONVERSATION_AT_INBOUND, EMERGENCY_HANDLED } from '../bot/turn-keys.js';
import type { ConversationAtInbound } from '../queue/conversation-log.js';
import { smsKeywordOf } from '../channels/sms/keywords.js';
import { currentLogger } from '../http/request-context.js';
import { previousInboundAt, raiseForRepeatContact, recordContact, REPEAT_CONTACTS, SILENCE_MINUTES } from './sql/contacts.js';

/**
 * Counts contacts, as a turn step after the emergency screen (which has recorded the message): a person's first
 * message in a conversation, or one after SILENCE_MINUTES or more of silence there, is a contact. The third within
 * 72 hours, on any channel (the same requester key, or the same linked patient record), raises their open concern
 * one step (src/patient-updates/sql/contacts.ts). In the database, so every instance counts the same. An emergency
 * turn is left alone: its item is already the most pressing, and it must not wait on more storage.
 */
export class RepeatContactStep implements Middleware {
  constructor(private readonly deps: { db: Database; clock: Clock; logger: Logger }) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    if (context.activity.type !== ActivityTypes.Message || context.turnState.get(EMERGENCY_HANDLED) !== undefined) return next();
    const requester = requesterOf(context);
    if (requester.channel === 'sms' && smsKeywordOf(context.activity.text ?? '')) return next();
    try {
      await this.count(requester, context.turnState.get(CONVERSATION_AT_INBOUND) as ConversationAtInbound | undefined);
    } catch (err) {
      // Counting is for the co-ordinators' benefit: it never costs the person their answer.
      currentLogger(this.deps.logger).error({ err, event: 'contact-not-counted' }, 'a contact could not be counted');
    }
    await next();
  }

  private async count(requester: { requesterKey: string; conversationId: string }, before: ConversationAtInbound | undefined): Promise<void> {
    const { db, clock, logger } = this.deps;
    const now = clock.now();
    // Read with the message's record on most turns; read again only for a redelivery.
    const previous = before ? before.previousInboundAt : await previousInboundAt(db, requester.conversationId);
    if (previous && now.getTime() - previous.getTime() < SILENCE_MINUTES * 60_000) return;
    const raised = await db.transaction(async (tx) => {
      const contacts = await recordContact(tx, { ...requester, at: now });
      if (contacts < REPEAT_CONTACTS) return undefined;
      const concern = await raiseForRepeatContact(tx, requester.requesterKey, contacts);
      return concern && { ...concern, contacts };
    });
    if (raised) {
      currentLogger(logger).info({ event: 'priority-raised', concernId: raised.id, from: raised.from, to: raised.to, contacts: raised.contacts }, 'repeat contact: priority raised');
    }
  }
}
