import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import {
  ComponentDialog, Dialog, DialogSet, DialogTurnStatus, WaterfallDialog,
  type DialogContext, type DialogTurnResult, type WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { Clock } from '../src/clock.js';
import type { Database } from '../src/db/database.js';
import { channelOf, requesterOf, trustedIdentityOf } from '../src/bot/channel.js';
import { SharedDialogMemory } from '../src/bot/dialog-memory.js';
import { ANSWERED_FROM_ARTICLE, EMERGENCY_HANDLED } from '../src/bot/turn-keys.js';
import { asksForPersonalAdvice, intentOf, interruptionOf } from '../src/conversation/intents.js';
import { greeting, help, notPersonalAdvice, statusReply } from '../src/conversation/replies.js';
import type { KnowledgeBase } from '../src/knowledge/types.js';
import { concernsOf } from '../src/concerns/concern-queue.js';
import { CONCERN_DIALOG, ConcernDialog, type ConcernDialogOptions } from './concern-dialog.js';

export const MAIN_DIALOG = 'mainDialog';
const ROUTE = 'route';

/** What the conversation remembers between turns, outside any dialog. */
export interface ConversationMemory {
  greeted?: boolean;
  /** The article of the last SMS answer that had more to send on "MORE" (fetched again then, never stored). */
  pendingMore?: { articleId: string; question: string };
  /** We offered a co-ordinator after an answer we could not give: "yes" takes it up. */
  offeredCoordinator?: boolean;
}

export interface MainDialogDeps {
  db: Database;
  clock: Clock;
  knowledge: KnowledgeBase;
  memory: StatePropertyAccessor<ConversationMemory>;
}

/**
 * The root of every conversation. Cross-cutting commands (cancel, start again, help) and the
 * re-prompt after an emergency live here, in one place, ahead of whatever dialog is running.
 */
export class MainDialog extends ComponentDialog {
  private readonly memoryScopes = new SharedDialogMemory();

  constructor(private readonly deps: MainDialogDeps) {
    super(MAIN_DIALOG);
    this.addDialog(new ConcernDialog(deps)).addDialog(new WaterfallDialog(ROUTE, [this.routeStep, this.finishStep]));
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
    if (context.turnState.get(EMERGENCY_HANDLED)) {
      // The emergency advice has been given; keep their place and ask the last question again.
      await context.sendActivity('When you are safe and ready, we can carry on where we were.');
      await inner.repromptDialog();
      return Dialog.EndOfTurn;
    }
    const interruption = interruptionOf(context.activity.text ?? '');
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
    if (interruption === 'help') {
      await context.sendActivity(help(channelOf(context.activity)));
      await inner.repromptDialog();
      return Dialog.EndOfTurn;
    }
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
    memory.offeredCoordinator = false;
    const text = context.activity.text ?? '';
    const intent = intentOf(text);
    const interruption = interruptionOf(text);

    if (!memory.greeted) {
      memory.greeted = true;
      await context.sendActivity(greeting(channel));
      if (intent.kind === 'greeting') return step.endDialog();
    }
    if (interruption === 'cancel' || interruption === 'restart') {
      await context.sendActivity('There is nothing in progress. Ask me a question, or say "talk to someone" to raise a concern.');
      return step.endDialog();
    }
    switch (intent.kind) {
      case 'greeting':
        await context.sendActivity('Hello again. Ask me a question, or say "talk to someone" to raise a concern.');
        return step.endDialog();
      case 'help':
        await context.sendActivity(help(channel));
        return step.endDialog();
      case 'thanks':
        await context.sendActivity('You are welcome. I am here any time.');
        return step.endDialog();
      case 'concern':
        return step.beginDialog(CONCERN_DIALOG, this.concernOptions(context));
      case 'yes':
        if (offered) return step.beginDialog(CONCERN_DIALOG, this.concernOptions(context));
        return this.answer(step, text, memory);
      case 'no':
        await context.sendActivity(offered ? 'OK. Ask me something else whenever you like.' : 'OK. Ask me a question, or say "talk to someone" to raise a concern.');
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

  private finishStep = async (step: WaterfallStepContext) => step.endDialog(step.result);

  private async answer(step: WaterfallStepContext, question: string, memory: ConversationMemory): Promise<DialogTurnResult> {
    const channel = channelOf(step.context.activity);
    const answer = await this.deps.knowledge.answer(question);
    const personal = asksForPersonalAdvice(question);
    // A decision about their own treatment is for their clinicians: say so first, then any general information.
    if (personal) await step.context.sendActivity(notPersonalAdvice(channel));
    if (answer.answered || !personal) await step.context.sendActivity(channel === 'sms' ? answer.sms : answer.chat);
    memory.pendingMore = channel === 'sms' && answer.smsMore && answer.source ? { articleId: answer.source.id, question } : undefined;
    memory.offeredCoordinator = personal || !answer.answered;
    if (answer.answered && !personal) step.context.turnState.set(ANSWERED_FROM_ARTICLE, true);
    return step.endDialog();
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
