import type { StatePropertyAccessor } from 'botbuilder';
import {
  ComponentDialog, ListStyle, WaterfallDialog,
  type Choice, type DialogTurnResult, type FoundChoice, type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { z } from 'zod';
import { channelOf } from '../src/bot/channel.js';
import { CHOICES_PROMPT, NONE_OF_THESE, notSureText } from '../src/knowledge/answer-text.js';
import type { KnowledgeBase } from '../src/knowledge/types.js';
import { replyWithAnswer, type AnswerMemory } from './answer-reply.js';
import { PickPrompt } from './pick-prompt.js';

export const ARTICLE_CHOICE_DIALOG = 'articleChoiceDialog';
const FLOW = 'articleChoiceFlow';
const CHOICE = 'articleChoicePrompt';

export const articleChoiceOptionsSchema = z.object({
  /** The question as asked: the picked article's most relevant passage is chosen for it. */
  question: z.string(),
  choices: z.array(z.object({ id: z.string(), title: z.string() })).min(1),
});
export type ArticleChoiceOptions = z.infer<typeof articleChoiceOptionsSchema>;

/**
 * How the choice ended, for the dialog that started it: an article's answer was given; the person wants a
 * co-ordinator ("none of these"); or they wrote something that is none of the options, which is a new message.
 */
export type ArticleChoiceResult = { kind: 'answered' } | { kind: 'talk-to-someone' } | { kind: 'something-else' };

export interface ArticleChoiceDeps {
  knowledge: KnowledgeBase;
  memory: StatePropertyAccessor<AnswerMemory>;
}

// "none of these" is also what people write in their own words for the last button.
const NONE_SYNONYMS = ['none', 'none of these', 'none of them', 'neither', 'no', 'talk to someone', 'speak to someone', 'someone', 'person', 'human'];

/**
 * Several articles fit the question and none clearly: their titles are offered (buttons on chat, numbered on
 * SMS) with "none of these: talk to someone". Picking one gives that article's answer.
 */
export class ArticleChoiceDialog extends ComponentDialog {
  constructor(private readonly deps: ArticleChoiceDeps) {
    super(ARTICLE_CHOICE_DIALOG);
    // Anything that is none of the options ends the prompt unrecognised: it is taken as a new message.
    this.addDialog(new PickPrompt(CHOICE, async () => true))
      .addDialog(new WaterfallDialog(FLOW, [this.offerStep, this.pickStep]));
    this.initialDialogId = FLOW;
  }

  private offerStep = async (step: WaterfallStepContext<ArticleChoiceOptions>): Promise<DialogTurnResult> => {
    const { choices } = articleChoiceOptionsSchema.parse(step.options);
    const options: Choice[] = [
      ...choices.map((c) => ({ value: c.title })),
      { value: NONE_OF_THESE, synonyms: NONE_SYNONYMS },
    ];
    // Buttons on chat whatever the titles' length (botbuilder would put long ones in a card, with no text
    // beside it); a numbered list on SMS, which sms-text.ts turns into "Reply 1, 2, 3 or 4".
    const style = channelOf(step.context.activity) === 'sms' ? ListStyle.list : ListStyle.suggestedAction;
    return step.prompt(CHOICE, { prompt: CHOICES_PROMPT, choices: options, style });
  };

  private pickStep = async (step: WaterfallStepContext<ArticleChoiceOptions>): Promise<DialogTurnResult> => {
    const { question, choices } = articleChoiceOptionsSchema.parse(step.options);
    const picked = step.result as FoundChoice | undefined;
    if (!picked) return step.endDialog({ kind: 'something-else' } satisfies ArticleChoiceResult);
    const article = choices[picked.index];
    if (!article) return step.endDialog({ kind: 'talk-to-someone' } satisfies ArticleChoiceResult);

    const memory = await this.deps.memory.get(step.context, {});
    // Fetched afresh: the article may have been withdrawn or passed its review date since it was offered.
    const answer = await this.deps.knowledge.answerFrom(article.id, question);
    if (answer) await replyWithAnswer(step.context, answer, question, memory);
    else {
      const channel = channelOf(step.context.activity);
      const notSure = notSureText();
      await step.context.sendActivity(channel === 'sms' ? notSure.sms : notSure.chat);
      memory.pendingMore = undefined;
      memory.offeredCoordinator = true;
    }
    return step.endDialog({ kind: 'answered' } satisfies ArticleChoiceResult);
  };
}
