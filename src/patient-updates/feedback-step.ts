import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import type { Database } from '../db/database.js';
import type { Logger } from '../logging.js';
import { requesterOf } from '../bot/channel.js';
import { CONVERSATION_AT_INBOUND, EMERGENCY_DEADLINE, EMERGENCY_HANDLED } from '../bot/turn-keys.js';
import type { ConversationAtInbound } from '../queue/conversation-log.js';
import { remainingMs, within } from '../deadline.js';
import { smsKeywordOf } from '../channels/sms/keywords.js';
import { intentOf, interruptionOf } from '../conversation/intents.js';
import { currentLogger } from '../http/request-context.js';
import { endFeedbackRequest, lapseFeedbackIn, openFeedbackRequest, recordComment, recordScore, type FeedbackRequest } from './sql/feedback.js';
import { commentQuestion, FEEDBACK_SKIPPED, FEEDBACK_THANKS } from './update-texts.js';

const WORDS: Record<string, number> = { one: 1, two: 2, three: 3, four: 4, five: 5 };
/** What may follow the number: "4 good", "5 - excellent thanks", "3/5". Anything longer is a message, not a score. */
const LABEL = String.raw`(?:\s*(?:\/\s*5|out of 5))?[\s.!,:-]*(?:(?:very |quite |really )?(?:poor|bad|ok|okay|fine|average|good|great|excellent|brilliant))?[\s.!,]*(?:thanks|thank you)?[\s.!]*`;
const SCORE = new RegExp(`^([1-5]|one|two|three|four|five)${LABEL}$`);

/** "4", "4.", "4 - good", "five", "5/5": a score from 1 to 5; anything else ("1 my dad is ...") is not one. */
export function scoreOf(text: string): number | undefined {
  const match = SCORE.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  return WORDS[match[1]!] ?? Number(match[1]);
}

export function isSkip(text: string): boolean {
  return /^(skip|no|no thanks|no thank you|nothing|nothing else|none|nope|n\/a|na)[.!]?$/.test(text.trim().toLowerCase());
}

/**
 * Plainly not a comment on how we did: a question, a new request, a reference, a command. Such a message is
 * handled as any other, and the feedback request lapses.
 */
export function isNewRequest(text: string): boolean {
  const t = text.trim().toLowerCase();
  if (t.includes('?') || interruptionOf(text) !== undefined) return true;
  if (/^(how|what|when|where|why|who|which|can|could|do|does|did|is|are|should|will|would|may|i need|i want|please can|tell me)\b/.test(t)) return true;
  const intent = intentOf(text).kind;
  return intent === 'concern' || intent === 'status' || intent === 'help' || intent === 'greeting' || intent === 'more';
}

/**
 * The answer to the feedback question a resolved message asked (src/patient-updates/status-updates.ts), as a turn
 * step after the emergency screen, before the handoff's routing: a score 1 to 5, then an optional comment or SKIP.
 * An emergency is the screen's (already answered with 999): the request lapses and the turn goes on as any
 * emergency turn. A message that is not an answer lapses the request and goes on to the dialogs unchanged.
 */
export class FeedbackStep implements Middleware {
  constructor(private readonly deps: { db: Database; logger: Logger }) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    if (context.activity.type !== ActivityTypes.Message) return next();
    const { db, logger } = this.deps;
    const requester = requesterOf(context);
    const text = context.activity.text ?? '';
    if (requester.channel === 'sms' && smsKeywordOf(text)) return next();
    if (context.turnState.get(EMERGENCY_HANDLED) !== undefined) {
      // The 999 instruction has gone; this waits on storage no longer than the emergency turn's deadline.
      const deadline = context.turnState.get(EMERGENCY_DEADLINE) as number | undefined;
      const lapsing = lapseFeedbackIn(db, requester.conversationId);
      await (deadline === undefined ? lapsing : within(lapsing, remainingMs(deadline), 'feedback lapse')).catch((err: unknown) => {
        currentLogger(logger).warn({ err, event: 'feedback-not-lapsed' }, 'a feedback request could not be lapsed after an emergency');
      });
      return next();
    }
    // Most conversations have no question open, as the message's record found: then nothing is read here.
    if ((context.turnState.get(CONVERSATION_AT_INBOUND) as ConversationAtInbound | undefined)?.feedbackOpen === false) return next();
    const request = await openFeedbackRequest(db, requester.conversationId);
    if (!request) return next();
    const log = currentLogger(logger).child({ concernId: request.concernId });
    if (await this.answer(context, request, text)) {
      log.info({ event: 'feedback-answer', state: request.state }, 'feedback answer taken');
      return;
    }
    await endFeedbackRequest(db, request, 'lapsed');
    log.info({ event: 'feedback-lapsed', why: 'not-an-answer' }, 'feedback request lapsed: the person wrote something else');
    await next();
  }

  /** True when the message was the answer (and was replied to); false when it is not one. */
  private async answer(context: TurnContext, request: FeedbackRequest, text: string): Promise<boolean> {
    const { db } = this.deps;
    if (isSkip(text)) {
      await endFeedbackRequest(db, request, 'done');
      await context.sendActivity(request.state === 'commenting' ? FEEDBACK_THANKS : FEEDBACK_SKIPPED);
      return true;
    }
    if (request.state === 'asked') {
      const score = scoreOf(text);
      if (score === undefined) return false;
      if (await db.transaction((tx) => recordScore(tx, request, score))) await context.sendActivity(commentQuestion(request.channel));
      return true;
    }
    if (isNewRequest(text)) return false;
    if (await db.transaction((tx) => recordComment(tx, request, text.trim().slice(0, 2000)))) await context.sendActivity(FEEDBACK_THANKS);
    return true;
  }
}
