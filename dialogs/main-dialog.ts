import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import {
  ComponentDialog, Dialog, DialogSet, DialogTurnStatus, WaterfallDialog,
  type DialogContext, type DialogTurnResult, type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { Clock } from '../src/clock.js';
import type { Database } from '../src/db/database.js';
import type { Logger } from '../src/logging.js';
import { currentLogger } from '../src/http/request-context.js';
import { channelOf, requesterOf, trustedIdentityOf } from '../src/bot/channel.js';
import { SharedDialogMemory } from '../src/bot/dialog-memory.js';
import { ANSWERED_FROM_ARTICLE, EMERGENCY_HANDLED, WANTS_A_PERSON, type WantsAPersonTurn } from '../src/bot/turn-keys.js';
import { asksForPersonalAdvice, intentOf, interruptionOf } from '../src/conversation/intents.js';
import { greeting, help, notPersonalAdvice, smallTalkReply, statusReply } from '../src/conversation/replies.js';
import type { KnowledgeGapCounter } from '../src/knowledge/knowledge-gaps.js';
import type { KnowledgeBase } from '../src/knowledge/types.js';
import { concernsOf } from '../src/concerns/concern-queue.js';
import { findReference } from '../src/concerns/reference.js';
import { recordPersonSaidNotEmergency } from '../src/concerns/sql/person-said-not-emergency.js';
import { expectationFor } from '../src/concerns/priority.js';
import { isWorkingTime, type WorkingHours } from '../src/concerns/working-hours.js';
import { askForAPerson } from '../src/handoff/ask-for-a-person.js';
import { CARRY_ON_WITH_DETAILS, wantsAPersonReply } from '../src/handoff/wants-a-person.js';
import { MessageFactory } from 'botbuilder';
import { replyWithAnswer } from './answer-reply.js';
import { ARTICLE_CHOICE_DIALOG, ArticleChoiceDialog, type ArticleChoiceResult } from './article-choice-dialog.js';
import { CONCERN_DIALOG, ConcernDialog, type ConcernDialogDeps, type ConcernDialogOptions } from './concern-dialog.js';

export const MAIN_DIALOG = 'mainDialog';
const ROUTE = 'route';

/** What the conversation remembers between turns, outside any dialog. */
export interface ConversationMemory {
  greeted?: boolean;
  /** The article of the last SMS answer that had more to send on "MORE" (fetched again then, never stored). */
  pendingMore?: { articleId: string; question: string };
  /** We offered a co-ordinator after an answer we could not give: "yes" takes it up. */
  offeredCoordinator?: boolean;
  /** The offer was to give the details of a request for a person already made: its reference, for "no thanks". */
  offeredDetailsFor?: string;
  /**
   * The message that raised an emergency in the middle of a dialog, for one turn: "carry on" (it was not an
   * emergency) makes it the answer to the question it interrupted, so the person need not type it again.
   */
  heldAfterEmergency?: string;
}

export interface MainDialogDeps {
  db: Database;
  clock: Clock;
  /** Never given message text. */
  logger: Logger;
  knowledge: KnowledgeBase;
  memory: StatePropertyAccessor<ConversationMemory>;
  /** Counts declines and choices offered, by the question's digest: what to write next. */
  gaps: Pick<KnowledgeGapCounter, 'count'>;
  workingHours: WorkingHours;
  /** What a concern's reply promises (see ConcernDialogDeps). */
  expectation?: ConcernDialogDeps['expectation'];
}

/**
 * The root of every conversation. Cross-cutting commands (cancel, start again, help) and the
 * re-prompt after an emergency live here, in one place, ahead of whatever dialog is running.
 */
export class MainDialog extends ComponentDialog {
  private readonly memoryScopes = new SharedDialogMemory();

  constructor(private readonly deps: MainDialogDeps) {
    super(MAIN_DIALOG);
    this.addDialog(new ConcernDialog(deps)).addDialog(new ArticleChoiceDialog(deps))
      .addDialog(new WaterfallDialog(ROUTE, [this.routeStep, this.finishStep]));
    this.initialDialogId = ROUTE;
  }

  /** Runs one turn: continue what is in progress, or start routing afresh. */
  async run(context: TurnContext, dialogState: StatePropertyAccessor): Promise<void> {
    const dialogs = new DialogSet(dialogState);
    dialogs.add(this);
    const dc = await this.memoryScopes.createContext(context, () => dialogs.createContext(context));
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(this.id);
  }

  protected override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    const context = inner.context;
    const memory = await this.deps.memory.get(context, {});
    const held = memory.heldAfterEmergency;
    memory.heldAfterEmergency = undefined;
    const interruption = interruptionOf(context.activity.text ?? '');
    if (interruption === 'not-emergency' && held !== undefined) {
      // (Even when the screen read "it is not an emergency" itself as one: its instruction has gone out, and
      // the person has now said twice what they meant.)
      return this.carryOnWith(inner, held);
    }
    if (context.turnState.get(EMERGENCY_HANDLED)) {
      // The emergency advice has been given; keep their place and ask the last question again.
      memory.heldAfterEmergency = context.activity.text ?? '';
      await context.sendActivity(
        'When you are safe and ready, we can carry on where we were. If this is not an emergency, say "carry on" and I will use what you wrote as your answer.',
      );
      await inner.repromptDialog();
      return Dialog.EndOfTurn;
    }
    const asked = context.turnState.get(WANTS_A_PERSON) as WantsAPersonTurn | undefined;
    if (asked) {
      // In the middle of giving a concern's details: told what to expect, then on with the same question; the
      // answers go on the request just committed (src/concerns/sql/add-details.ts).
      if (inner.activeDialog?.id === CONCERN_DIALOG) {
        await context.sendActivity(`${await this.wantsAPersonReply(context, asked, false)}\n\n${CARRY_ON_WITH_DETAILS}`);
        await inner.repromptDialog();
        return Dialog.EndOfTurn;
      }
      await inner.cancelAllDialogs();
      await this.tellWantsAPerson(context, asked);
      return { status: DialogTurnStatus.cancelled };
    }
    if (interruption === 'cancel') {
      await inner.cancelAllDialogs();
      await context.sendActivity('OK, I have stopped that and nothing was sent. Ask me a question, or say "talk to someone" at any time.');
      return { status: DialogTurnStatus.cancelled };
    }
    if (interruption === 'restart') {
      await inner.cancelAllDialogs();
      await context.sendActivity('OK, let us start again.');
      return inner.beginDialog(CONCERN_DIALOG, this.concernOptions(context));
    }
    if (interruption === 'status') {
      // Answered, then back to the question they were on.
      const items = await concernsOf(this.deps.db, requesterOf(context).requesterKey, findReference(context.activity.text ?? ''));
      await context.sendActivity(statusReply(items, findReference(context.activity.text ?? '')));
      await inner.repromptDialog();
      return Dialog.EndOfTurn;
    }
    if (interruption === 'help') {
      await context.sendActivity(help(channelOf(context.activity)));
      await inner.repromptDialog();
      return Dialog.EndOfTurn;
    }
    return super.onContinueDialog(inner);
  }

  /** The person said it was not an emergency: the item records it, and their message answers the question. */
  private async carryOnWith(inner: DialogContext, held: string): Promise<DialogTurnResult> {
    const context = inner.context;
    await recordPersonSaidNotEmergency(this.deps.db, this.deps.clock, requesterOf(context).conversationId);
    context.activity.text = held;
    await context.sendActivity('Thank you, I will carry on with what you wrote. If anything changes or gets worse, call 999.');
    return super.onContinueDialog(inner);
  }

  private routeStep = async (step: WaterfallStepContext): Promise<DialogTurnResult> => {
    const context = step.context;
    const memory = await this.deps.memory.get(context, {});
    if (context.turnState.get(EMERGENCY_HANDLED)) {
      // The emergency instruction was this conversation's first word from us; a greeting now would only be noise.
      memory.greeted = true;
      return step.endDialog();
    }
    const channel = channelOf(context.activity);
    const offered = memory.offeredCoordinator === true;
    const requested = memory.offeredDetailsFor;
    memory.offeredCoordinator = false;
    memory.offeredDetailsFor = undefined;
    const text = context.activity.text ?? '';
    const intent = intentOf(text);
    const interruption = interruptionOf(text);

    if (!memory.greeted) {
      memory.greeted = true;
      await context.sendActivity(greeting(channel));
      if (intent.kind === 'greeting') return step.endDialog();
    }
    const asked = context.turnState.get(WANTS_A_PERSON) as WantsAPersonTurn | undefined;
    if (asked) {
      await this.tellWantsAPerson(context, asked);
      return step.endDialog();
    }
    if (interruption === 'cancel' || interruption === 'restart') {
      await context.sendActivity('There is nothing in progress. Ask me a question, or say "talk to someone" to raise a concern.');
      return step.endDialog();
    }
    switch (intent.kind) {
      case 'greeting':
      case 'goodbye':
        await context.sendActivity(smallTalkReply(intent.kind, channel));
        return step.endDialog();
      case 'help':
        await context.sendActivity(help(channel));
        return step.endDialog();
      case 'thanks':
        await context.sendActivity(smallTalkReply('thanks', channel));
        return step.endDialog();
      case 'concern':
        return step.beginDialog(CONCERN_DIALOG, { ...this.concernOptions(context), opening: text });
      case 'yes':
        // Yes to giving the details of a request for a person already committed: they go onto it.
        if (requested) return step.beginDialog(CONCERN_DIALOG, this.concernOptions(context));
        // Yes to "I can pass your question to a care co-ordinator": the same path as "talk to someone".
        if (offered) {
          await this.raiseWantsAPerson(context);
          return step.endDialog();
        }
        // "ok" with nothing offered is an acknowledgement, not a question to look up.
        await context.sendActivity(smallTalkReply('ok', channel));
        return step.endDialog();
      case 'no':
        await context.sendActivity(requested
          ? `OK. Your request is with the care co-ordination team (reference ${requested}). Ask me a question meanwhile if you like.`
          : offered ? 'OK. Ask me something else whenever you like.' : 'OK. Ask me a question, or say "talk to someone" to raise a concern.');
        return step.endDialog();
      case 'more': {
        // Fetched afresh: the article may have been changed, withdrawn or passed its review date since.
        const pending = memory.pendingMore;
        const more = pending && (await this.deps.knowledge.continuation(pending.articleId, pending.question));
        await context.sendActivity(more || 'There is nothing more to send. Ask me another question any time.');
        memory.pendingMore = undefined;
        return step.endDialog();
      }
      case 'status': {
        const requester = requesterOf(context);
        const items = await concernsOf(this.deps.db, requester.requesterKey, intent.reference);
        await context.sendActivity(statusReply(items, intent.reference));
        return step.endDialog();
      }
      case 'question':
        return this.answer(step, intent.text, memory);
    }
  };

  private finishStep = async (step: WaterfallStepContext) => {
    const choice = step.result as ArticleChoiceResult | undefined;
    if (choice?.kind === 'talk-to-someone') {
      await this.raiseWantsAPerson(step.context);
      return step.endDialog();
    }
    // Not one of the articles offered: a new question or request, routed afresh.
    if (choice?.kind === 'something-else') return step.replaceDialog(ROUTE);
    return step.endDialog(step.result);
  };

  private async answer(step: WaterfallStepContext, question: string, memory: ConversationMemory): Promise<DialogTurnResult> {
    const channel = channelOf(step.context.activity);
    const answer = await this.deps.knowledge.answer(question);
    const personal = asksForPersonalAdvice(question);
    if (answer.outcome !== 'answered') await this.deps.gaps.count(question, answer.outcome);
    // A decision about their own treatment is for their clinicians: say so first, then any general information.
    if (personal) await step.context.sendActivity(notPersonalAdvice(channel));
    memory.pendingMore = undefined;
    if (answer.outcome === 'choices' && !personal) return step.beginDialog(ARTICLE_CHOICE_DIALOG, { question, choices: answer.choices });
    if (answer.answered || !personal) await replyWithAnswer(step.context, answer, question, memory);
    memory.offeredCoordinator = personal || !answer.answered;
    if (answer.answered && !personal) step.context.turnState.set(ANSWERED_FROM_ARTICLE, true);
    return step.endDialog();
  }

  /**
   * "talk to someone", "speak to a human": the request is committed already (the handoff middleware). The person
   * is told when someone can be there, and offered to give the details now; "yes" starts the concern dialog,
   * whose answers go on that same concern.
   */
  private async tellWantsAPerson(context: TurnContext, asked: WantsAPersonTurn): Promise<void> {
    const offer = !asked.hasDetails;
    const text = await this.wantsAPersonReply(context, asked, offer);
    const chat = channelOf(context.activity) === 'chat';
    await context.sendActivity(offer && chat ? MessageFactory.suggestedActions(['Yes', 'No thanks'], text) : text);
    const memory = await this.deps.memory.get(context, {});
    memory.offeredCoordinator = offer;
    memory.offeredDetailsFor = offer ? asked.reference : undefined;
  }

  /** "None of these: talk to someone", or yes to the offer of a co-ordinator: committed first, then told. */
  private async raiseWantsAPerson(context: TurnContext): Promise<void> {
    await this.tellWantsAPerson(context, await askForAPerson(this.deps, context, currentLogger(this.deps.logger)));
  }

  private async wantsAPersonReply(context: TurnContext, asked: WantsAPersonTurn, offerDetails: boolean): Promise<string> {
    const now = this.deps.clock.now();
    const promise = this.deps.expectation ? await this.deps.expectation(asked.priority) : expectationFor(asked.priority, now, this.deps.workingHours);
    return wantsAPersonReply({
      reference: asked.reference, promise, teamWorking: isWorkingTime(this.deps.workingHours, now), offerDetails, channel: channelOf(context.activity),
    });
  }

  private concernOptions(context: TurnContext): ConcernDialogOptions {
    const identity = trustedIdentityOf(context);
    return {
      // A person linked to a patient record (a registered SMS number) is not asked who they are.
      askIdentity: !identity.requesterKey?.startsWith('patient:'),
      knownPhone: identity.phone,
    };
  }
}
