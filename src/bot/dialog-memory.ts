import type { TurnContext } from 'botbuilder';
import type { DialogContext, DialogStateManagerConfiguration } from 'botbuilder-dialogs';

/** botbuilder-dialogs' own turn-state key for it (memory/dialogStateManager.js); not exported by the SDK. */
const CONFIGURATION_KEY = 'DialogStateManagerConfiguration';

/**
 * botbuilder-dialogs builds the memory scopes and path resolvers of its DialogStateManager afresh on every
 * turn (a service collection, zod checks on each component): 3% of a turn's CPU. They hold no state of
 * their own (each reads the turn it is given), so the first turn's are kept and handed to every later one.
 */
export class SharedDialogMemory {
  private configuration?: DialogStateManagerConfiguration;

  async createContext(context: TurnContext, create: () => Promise<DialogContext>): Promise<DialogContext> {
    if (this.configuration) context.turnState.set(CONFIGURATION_KEY, this.configuration);
    const dc = await create();
    this.configuration ??= dc.state.configuration;
    return dc;
  }
}
