import { ActivityTypes, MessageFactory, type Activity, type Middleware, type TurnContext } from 'botbuilder';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logging.js';
import { recordUncertainRisk } from '../concerns/concern-queue.js';
import { recordInboundTurn, recordOutbound, type InboundRecord } from '../queue/conversation-log.js';
import type { EmergencyScreen, ScreenResult } from '../safety/emergency-screen.js';
import { modelAssessedResult, type UrgencyCheck } from '../safety/model-urgency-check.js';
import { alertedNote, emergencyInstruction, safetyNetReply } from '../safety/emergency-reply.js';
import { dangerConfirmedResult, holdForRiskCheck, riskCheckAnswerOf, riskCheckQuestion, takeRiskCheck } from '../safety/risk-check.js';
import { requesterOf } from './channel.js';
import { ANSWERED_FROM_ARTICLE, CONVERSATION_AT_INBOUND, EMERGENCY_DEADLINE, EMERGENCY_HANDLED, REDELIVERY, SAFETY_NET_GIVEN, SCREENED } from './turn-keys.js';
import { turnLogger } from '../http/request-context.js';
// --- storage failure (issue 10.3, 10.4, 10.6): emergency spool, bounded waits, turn leases ---
import { remainingMs, within } from '../deadline.js';
import { emergencyRecord, recordEmergencyFrom, type EmergencySpool } from '../safety/emergency-spool.js';
import type { TurnLeases } from './turn-leases.js';
import type { WorkingHours } from '../concerns/working-hours.js';
import type { Channel } from '../concerns/concern-queue.js';
// --- end storage failure ---

export interface InboundDeps {
  db: Database;
  clock: Clock;
  screen: EmergencyScreen;
  logger: Logger;
  hashId: (value: string) => string;
  /** A language model's second opinion, asked only when the rules find no emergency: it may raise, never lower. */
  urgencyCheck?: UrgencyCheck;
  // --- storage failure ---
  /** Where an emergency goes when storage cannot take it (replayed once storage is back). */
  spool?: EmergencySpool;
  /** How long an emergency turn waits on storage in all (records, then the dialog) before answering. */
  emergencyWaitMs?: number;
  /** Takes over a delivery whose first turn died mid-way (Bot Framework, web chat). */
  leases?: TurnLeases;
  // --- end storage failure ---
  /** The team's working hours: the alerted note says only what is true at this time of day. */
  workingHours: WorkingHours;
  /** Who follows an emergency up and until when, from the rota (src/oncall/alerted-note.ts); unset: working hours. */
  alertedNote?: (reference: string, channel: Channel) => string;
}

/** Default for InboundDeps.emergencyWaitMs. */
export const EMERGENCY_STORAGE_WAIT_MS = 2_000;

/**
 * Runs first on every inbound message, on every channel, in every conversation state:
 * 1. screens the text for emergencies (before anything else looks at it);
 * 2. records the message once (a duplicate delivery stops here, unprocessed, though an emergency is
 *    always given its instruction, even when storage is down);
 * 3. when the rules find no emergency and a model is configured, asks it too (it can only raise urgency);
 * 4. on an emergency: raises or extends the emergency queue item, then tells the person what to do.
 * The dialogs then see EMERGENCY_HANDLED in turn state and re-prompt instead of taking the text as an answer.
 * It also records every outgoing message, so the co-ordinator reads the whole story.
 */
export class InboundMiddleware implements Middleware {
  constructor(private readonly deps: InboundDeps) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const { db, clock, logger, hashId } = this.deps;
    const activity = context.activity;
    const requester = requesterOf(context);
    // The channel route may already have named the conversation and channel on the request's logger.
    const log = turnLogger(requester, logger, hashId);

    // Replies are sent first and recorded after: a 999 instruction must not wait on storage. One sent before
    // the inbound message is recorded waits for it, so that the transcript reads in order.
    let inboundRecorded = activity.type !== ActivityTypes.Message;
    const early: string[] = [];
    let lastSent: Partial<Activity> | undefined;
    let deadline: number | undefined; // set on an emergency: from then on nothing waits on storage past it
    const record = async (texts: string[]) => {
      try {
        const recording = recordOutbound(db, clock, requester.conversationId, texts);
        await (deadline === undefined ? recording : within(recording, remainingMs(deadline), 'reply record'));
      } catch (err) {
        log.error({ err, event: 'outbound-not-recorded' }, 'reply sent but not recorded');
      }
    };
    context.onSendActivities(async (_ctx, activities, sendNext) => {
      const sent = await sendNext();
      const texts = activities.filter((a) => a.type === ActivityTypes.Message && a.text).map((a) => a.text!);
      lastSent = activities.at(-1) ?? lastSent;
      if (inboundRecorded) await record(texts);
      else early.push(...texts);
      return sent;
    });

    if (activity.type !== ActivityTypes.Message) return next();
    const text = activity.text ?? '';
    const rules = this.deps.screen.screen(text);
    // A red flag is told what to do at once, before anything is stored: storage may be slow or down.
    if (rules.emergency) {
      deadline = Date.now() + (this.deps.emergencyWaitMs ?? EMERGENCY_STORAGE_WAIT_MS);
      context.turnState.set(EMERGENCY_DEADLINE, deadline);
      // A channel that cannot take the reply (Azure's connector failing) must not also cost the queue item.
      await context.sendActivity(emergencyInstruction(rules, requester.channel)).catch((err: unknown) => {
        log.error({ err, event: 'emergency-instruction-not-sent' }, 'emergency instruction could not be sent');
      });
    }

    let fresh: boolean;
    let inboundStored = true;
    try {
      const recording = recordInboundTurn(db, clock, { ...requester, externalId: activity.id, text, reference: conversationReferenceOf(activity) });
      // An emergency does not wait on slow storage: past its deadline the record counts as failed (and is spooled).
      const recorded: InboundRecord = await (deadline === undefined ? recording : within(recording, remainingMs(deadline), 'inbound record'));
      fresh = recorded.fresh;
      if (recorded.fresh) context.turnState.set(CONVERSATION_AT_INBOUND, recorded.before);
    } catch (err) {
      // With storage down, an emergency still gets its instruction; anything else fails the turn safely.
      if (!rules.emergency) throw err;
      log.error({ err, event: 'inbound-not-recorded' }, 'emergency message could not be recorded');
      fresh = true;
      inboundStored = false;
    }
    inboundRecorded = true;
    if (early.length > 0) await record(early.splice(0));
    if (!fresh && context.turnState.get(REDELIVERY) === true) {
      log.warn({ event: 'redelivery-processed' }, 'processing a delivery whose first attempt died unanswered');
    } else if (!fresh && (await this.deps.leases?.takeOver(context, requester.conversationId))) {
      log.warn({ event: 'redelivery-taken-over' }, 'delivered again after its first turn died mid-way; processing it');
    } else if (!fresh) {
      log.info({ event: 'duplicate-delivery' }, 'inbound message already processed');
      // (An emergency has already been told what to do, above, even on a repeated delivery.)
      return;
    }

    // An answer to the check question asked on the last turn: yes is an emergency; no lets the message
    // that raised the question go on to the dialogs as if no question had been asked.
    const answer = rules.emergency ? undefined : riskCheckAnswerOf(text);
    const held = answer ? await takeRiskCheck(db, requester.conversationId).catch((err: unknown) => {
      log.error({ err, event: 'risk-check-not-read' }, 'a pending check question could not be read');
      return undefined;
    }) : undefined;
    const confirmed = held !== undefined && answer === 'yes';
    if (held !== undefined && answer === 'no') {
      activity.text = held;
      await context.sendActivity('Thank you. If anything changes or gets worse, call 999.');
    }

    // A rule emergency is answered at once; the model is asked only when the rules found nothing.
    const result = rules.emergency ? rules : confirmed ? dangerConfirmedResult() : await this.secondOpinion(text, rules, log);
    if (!result.emergency && result.uncertain && (await this.askRiskCheck(context, text, result, log))) return;
    if (result.emergency) {
      // A model-raised emergency had no instruction yet.
      if (!rules.emergency) await context.sendActivity(emergencyInstruction(result, requester.channel));
      deadline ??= Date.now() + (this.deps.emergencyWaitMs ?? EMERGENCY_STORAGE_WAIT_MS);
      const emergency = emergencyRecord({
        // A yes to the check question is recorded with the message that raised it.
        ...requester, externalId: activity.id, text: confirmed ? `${held}\n(check question answered: ${text})` : text,
        flags: result.matches.map((m) => m.flag.id), advice: result.advice!,
        reference: conversationReferenceOf(activity), at: clock.now(), inboundRecorded: inboundStored,
      });
      try {
        const { item, created } = await within(recordEmergencyFrom(db, clock, emergency), remainingMs(deadline), 'emergency record');
        log.warn({ event: 'emergency', concernId: item.id, created, flags: emergency.flags }, 'emergency red flag');
        // The item is committed; the message itself still has to reach the transcript.
        if (!inboundStored) await this.deps.spool?.keep(emergency, log);
        const note = this.deps.alertedNote?.(item.reference, requester.channel) ?? alertedNote(item.reference, requester.channel, clock.now(), this.deps.workingHours);
        await context.sendActivity(note);
      } catch (err) {
        // The instruction has gone; the spool keeps the emergency and replays it once storage is back.
        log.error({ err, event: 'emergency-not-recorded' }, 'emergency could not be recorded');
        await this.deps.spool?.keep(emergency, log);
      }
      context.turnState.set(EMERGENCY_HANDLED, result);
    }
    context.turnState.set(SCREENED, result);
    await next();
    // Words of symptoms or risk, but no emergency: a reply that declines, is unsure or goes on with a concern
    // ends with where to go if it is happening now, and so does any reply to red-flag words set aside as a
    // question, the past or a negation, in case the screen read them wrongly. On chat it keeps
    // the last reply's buttons, which Web Chat shows only under the last message.
    const answered = context.turnState.get(ANSWERED_FROM_ARTICLE) === true || context.turnState.get(SAFETY_NET_GIVEN) === true;
    if (!result.emergency && (result.setAside.length > 0 || ((result.risk || held !== undefined) && !answered))) {
      const net = MessageFactory.text(safetyNetReply(requester.channel));
      if (requester.channel === 'chat' && lastSent?.suggestedActions) net.suggestedActions = lastSent.suggestedActions;
      await context.sendActivity(net);
    }
  }

  /**
   * Uncertain risk is asked about, not guessed: an urgent item is raised so that a person looks either way,
   * the message is held, and the check question goes out. False when it could not be asked (storage down):
   * the turn then goes on, and ends with the safety-net line.
   */
  private async askRiskCheck(context: TurnContext, text: string, result: ScreenResult, log: Logger): Promise<boolean> {
    const { db, clock } = this.deps;
    const requester = requesterOf(context);
    try {
      await holdForRiskCheck(db, requester.conversationId, text);
      const item = await recordUncertainRisk(db, clock, { ...requester, entry: { direction: 'in', text, at: clock.now().toISOString() }, score: result.classifier?.score });
      log.warn({ event: 'uncertain-risk', concernId: item.id, score: result.classifier?.score }, 'uncertain risk: check question asked');
    } catch (err) {
      log.error({ err, event: 'uncertain-risk-not-recorded' }, 'uncertain risk could not be recorded');
      return false;
    }
    await context.sendActivity(riskCheckQuestion());
    return true;
  }

  /** The rule result, or a model-assessed 999 emergency when the urgency check says so in time. */
  private async secondOpinion(text: string, rules: ScreenResult, log: Logger): Promise<ScreenResult> {
    const check = this.deps.urgencyCheck;
    // Answers of a word or three (a name, a date of birth, "yes", "2") are not sent to the provider: they
    // describe no emergency the rules could miss, and they are the most identifying things people type.
    if (!check || text.trim().split(/\s+/).length < 4) return rules;
    let raised = false;
    try {
      raised = await check.isEmergency(text);
    } catch (err) {
      // The port promises not to throw; if an implementation does, the rule result stands.
      log.warn({ event: 'urgency-check-failed', problem: (err as Error).message }, 'urgency check failed; the rule result stands');
    }
    if (!raised) return rules;
    log.warn({ event: 'urgency-raised-by-model' }, 'the language model assessed an emergency the rules did not find');
    return modelAssessedResult();
  }
}

/** Enough to message the conversation later (proactive replies from the console). */
function conversationReferenceOf(activity: Partial<Activity>): Record<string, unknown> {
  return {
    channelId: activity.channelId,
    serviceUrl: activity.serviceUrl,
    conversation: activity.conversation ? { id: activity.conversation.id } : undefined,
    bot: activity.recipient,
    user: activity.from ? { id: activity.from.id } : undefined,
  };
}
