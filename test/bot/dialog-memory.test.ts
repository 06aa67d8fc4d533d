import { ConversationState, MemoryStorage, TestAdapter, type TurnContext } from 'botbuilder';
import { DialogSet, TextPrompt, WaterfallDialog, type DialogContext } from 'botbuilder-dialogs';
import { describe, expect, it } from 'vitest';
import { SharedDialogMemory } from '../../src/bot/dialog-memory.js';

describe('dialog memory scopes shared between turns', () => {
  it('builds them on the first turn only, and dialogs still read and write their memory through them', async () => {
    const state = new ConversationState(new MemoryStorage());
    const dialogs = new DialogSet(state.createProperty('dialogState'));
    dialogs.add(new TextPrompt('name'));
    dialogs.add(new WaterfallDialog('ask', [
      (step) => step.prompt('name', 'Your name?'),
      async (step) => {
        // Memory paths go through the scopes: "dialog." is the dialog's own, "turn." the turn's.
        step.state.setValue('dialog.name', step.result);
        step.state.setValue('turn.seen', true);
        await step.context.sendActivity(`Hello ${step.state.getValue<string>('dialog.name')}, ${step.state.getValue('turn.seen')}`);
        return step.endDialog();
      },
    ]));
    const memory = new SharedDialogMemory();
    const contexts: DialogContext[] = [];
    const adapter = new TestAdapter(async (context: TurnContext) => {
      const dc = await memory.createContext(context, () => dialogs.createContext(context));
      contexts.push(dc);
      const result = await dc.continueDialog();
      if (result.status === 'empty') await dc.beginDialog('ask');
      await state.saveChanges(context);
    });
    await adapter.send('hi').assertReply('Your name?').send('Ada').assertReply('Hello Ada, true');

    expect(contexts).toHaveLength(2);
    expect(contexts[1]!.state.configuration).toBe(contexts[0]!.state.configuration);
    expect(contexts[0]!.state.configuration.memoryScopes.map((s) => s.name)).toEqual(expect.arrayContaining(['dialog', 'turn', 'conversation']));
  });
});
