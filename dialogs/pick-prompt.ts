import type { TurnContext } from 'botbuilder';
import {
  ChoicePrompt, recognizeChoices, type FoundChoice, type PromptOptions, type PromptRecognizerResult, type PromptValidator,
} from 'botbuilder-dialogs';
import { pickedOption } from '../src/bot/whole-reply.js';

export interface PickPromptOptions {
  /**
   * Also take a reply that names one option inside a longer message, by its title or a synonym ("it's about my
   * mum", "it's the diabetes one"): for short labelled options, where a sentence is a natural answer. Numbers and
   * ordinals inside a message never pick ("after 3pm" is not option 3), and a reply naming two options picks none.
   */
  findWordsInside?: boolean;
}

/**
 * A choice prompt (rendered as botbuilder renders one: buttons, or a numbered list) that takes a reply as a
 * pick only when the whole reply is one (`pickedOption`), or, with `findWordsInside`, when it names exactly one
 * option. botbuilder's own recognition looks for a number or an ordinal anywhere in the message, so "the first
 * time he had a seizure..." would pick option 1, and it runs the number recognisers on every new question
 * asked while the choices wait.
 */
export class PickPrompt extends ChoicePrompt {
  private readonly findWordsInside: boolean;

  constructor(dialogId: string, validator?: PromptValidator<FoundChoice>, options: PickPromptOptions = {}) {
    super(dialogId, validator);
    this.findWordsInside = options.findWordsInside ?? false;
  }

  protected override async onRecognize(context: TurnContext, _state: unknown, options: PromptOptions): Promise<PromptRecognizerResult<FoundChoice>> {
    const choices = (options.choices ?? []).map((c) => (typeof c === 'string' ? { value: c } : c));
    const text = context.activity.text ?? '';
    const index = pickedOption(text, choices) ?? (this.findWordsInside ? namedInside(text, choices) : undefined);
    if (index === undefined) return { succeeded: false };
    return { succeeded: true, value: { value: choices[index]!.value, index, score: 1 } };
  }
}

/** The one option whose title or synonym a message contains, by words only; undefined for none or several. */
function namedInside(text: string, choices: Parameters<typeof recognizeChoices>[1]): number | undefined {
  const found = recognizeChoices(text, choices, { recognizeNumbers: false, recognizeOrdinals: false });
  const indexes = new Set(found.map((f) => f.resolution.index));
  return indexes.size === 1 ? [...indexes][0] : undefined;
}
