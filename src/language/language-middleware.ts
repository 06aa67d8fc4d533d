import { ActivityTypes, MessageFactory, type Middleware, type TurnContext } from 'botbuilder';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logging.js';
import { recordLanguageItem } from '../concerns/concern-queue.js';
import { requesterOf } from '../bot/channel.js';
import { SAFETY_NET_GIVEN, SCREENED } from '../bot/turn-keys.js';
import { turnLogger } from '../http/request-context.js';
import type { ScreenResult } from '../safety/emergency-screen.js';
import { identifyLanguage } from './identify-language.js';
import { translationsInDate, type LanguageLines } from './language-lines.js';

/** channelData of a reply in the person's own script: the SMS channel sends it as written (UCS-2), not GSM-7. */
export const OWN_SCRIPT = { carepoint: { ownScript: true } } as const;

/**
 * Runs after the emergency screen (which has answered a red flag in any language it knows with 999 already).
 * A message mostly in another language gets, at once, the 999/111 line in English and in that language, an
 * item flagged `language` so that a co-ordinator calls back with an interpreter, and no "I'm not sure" from
 * the dialogs, which understand only English.
 */
export class LanguageMiddleware implements Middleware {
  private readonly candidates: string[];

  constructor(private readonly deps: { db: Database; clock: Clock; logger: Logger; hashId: (value: string) => string; lines: LanguageLines }) {
    this.candidates = [...deps.lines.byCode.keys()];
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const activity = context.activity;
    if (activity.type !== ActivityTypes.Message || !activity.text) return next();
    const code = identifyLanguage(activity.text, this.candidates);
    const language = code ? this.deps.lines.byCode.get(code) : undefined;
    if (!language) return next();

    const { db, clock, lines } = this.deps;
    const requester = requesterOf(context);
    const screened = context.turnState.get(SCREENED) as ScreenResult | undefined;
    const urgent = Boolean(screened && (screened.emergency || screened.risk || screened.uncertain));
    await context.sendActivity(lines.english);
    // Past their review-due date the translations are not served; the English line above always is.
    if (translationsInDate(lines, clock.now())) {
      await context.sendActivity({ ...MessageFactory.text(language.line), channelData: OWN_SCRIPT });
    }
    context.turnState.set(SAFETY_NET_GIVEN, true);
    const log = turnLogger(requester, this.deps.logger, this.deps.hashId);
    const item = await recordLanguageItem(db, clock, {
      ...requester, entry: { direction: 'in', text: activity.text, at: clock.now().toISOString() }, language, urgent,
    });
    log.info({ event: 'language-item', concernId: item.id, language: language.code, priority: item.priority }, 'message not in English: interpreter call-back');
  }
}
