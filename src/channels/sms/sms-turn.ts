import { ActivityTypes, type ActivityHandler, type TurnContext } from 'botbuilder';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import type { Logger } from '../../logging.js';
import {
  SMS_HELP_TEXT, SMS_MEDIA_IGNORED_TEXT, SMS_MEDIA_ONLY_TEXT, SMS_OPT_IN_TEXT, smsKeywordOf,
} from './keywords.js';
import type { InboundSms } from './sms-adapter.js';
import { recordOptOut } from './sms-contacts.js';

export interface SmsTurnDeps {
  db: Database;
  clock: Clock;
  /** Scoped to the conversation (hashed). */
  logger: Logger;
  bot: ActivityHandler;
}

/**
 * What an inbound text does after the shared middleware (emergency screening, de-duplication, transcript)
 * has let it through: the carrier keywords and picture messages are the channel's business; everything
 * else is the bot's.
 */
export function smsTurnLogic(deps: SmsTurnDeps, message: InboundSms): (context: TurnContext) => Promise<void> {
  return async (context) => {
    const log = deps.logger;
    switch (smsKeywordOf(message.body)) {
      case 'opt-out':
        // Twilio confirms the STOP itself and drops any reply to a number that has just opted out.
        await recordOptOut(deps.db, deps.clock, { phone: message.phone, optedOut: true, source: 'keyword' });
        log.info({ event: 'sms-opt-out' }, 'number opted out of SMS');
        // To the bot an opt-out ends the conversation: any dialog in progress is dropped.
        context.activity.type = ActivityTypes.EndOfConversation;
        await deps.bot.run(context);
        return;
      case 'opt-in':
        await recordOptOut(deps.db, deps.clock, { phone: message.phone, optedOut: false, source: 'keyword' });
        log.info({ event: 'sms-opt-in' }, 'number opted back in to SMS');
        await context.sendActivity(SMS_OPT_IN_TEXT);
        return;
      case 'help':
        await context.sendActivity(SMS_HELP_TEXT);
        return;
      case undefined:
        break;
    }
    if (message.numMedia > 0 && message.body.trim() === '') {
      await context.sendActivity(SMS_MEDIA_ONLY_TEXT);
      return;
    }
    if (message.numMedia > 0) await context.sendActivity(SMS_MEDIA_IGNORED_TEXT);
    await deps.bot.run(context);
  };
}
