import type { TurnContext } from 'botbuilder';
import { ChoicePrompt, type FoundChoice, type PromptOptions, type PromptRecognizerResult } from 'botbuilder-dialogs';
import { pickedOption } from '../src/bot/whole-reply.js';

/**
 * A choice prompt (rendered as botbuilder renders one: buttons, or a numbered list) that takes a reply as a
 * pick only when the whole reply is one (`pickedOption`). botbuilder's own recognition looks for a number or
 * an ordinal anywhere in the message, so "the first time he had a seizure..." would pick option 1, and it
 * runs the number recognisers on every new question asked while the choices wait.
 */
export class PickPrompt extends ChoicePrompt {
  protected override async onRecognize(context: TurnContext, _state: unknown, options: PromptOptions): Promise<PromptRecognizerResult<FoundChoice>> {
    const choices = (options.choices ?? []).map((c) => (typeof c === 'string' ? { value: c } : c));
    const text = context.activity.text ?? '';
    const index = pickedOption(text, choices);
    if (index === undefined) return { succeeded: false };
    return { succeeded: true, value: { value: choices[index]!.value, index, score: 1 } };
  }
}
