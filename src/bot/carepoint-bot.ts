import { ActivityHandler, type BotState, type StatePropertyAccessor } from 'botbuilder';
import type { MainDialog } from '../../dialogs/main-dialog.js';
import { greeting } from '../conversation/replies.js';
import { channelOf } from './channel.js';
import type { TurnLeases } from './turn-leases.js';
import { START_AFRESH } from './turn-keys.js';

/** Thin on purpose: runs the root dialog and saves state. Nothing clinical lives here. */
export class CarepointBot extends ActivityHandler {
  constructor(
    dialog: MainDialog,
    conversationState: BotState,
    dialogState: StatePropertyAccessor,
    memory: StatePropertyAccessor<{ greeted?: boolean }>,
    leases?: TurnLeases,
  ) {
    super();
    this.onMessage(async (context, next) => {
      await leases?.noteTurn(context);
      if (context.turnState.get(START_AFRESH) === true) await dialogState.delete(context);
      await dialog.run(context, dialogState);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      const joined = (context.activity.membersAdded ?? []).some((m) => m.id !== context.activity.recipient?.id);
      const state = await memory.get(context, {});
      if (joined && !state.greeted) {
        state.greeted = true;
        await context.sendActivity(greeting(channelOf(context.activity)));
      }
      await next();
    });
    // The channel ended the conversation (an SMS STOP): whatever was being asked is dropped, so that after
    // START the person is not met by a half-finished concern.
    this.onEndOfConversation(async (context, next) => {
      await dialogState.delete(context);
      await next();
    });
    this.onDialog(async (context, next) => {
      await conversationState.saveChanges(context, false);
      await next();
    });
  }
}
