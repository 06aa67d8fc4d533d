import type { Middleware, TurnContext } from 'botbuilder';

/**
 * One turn at a time per conversation, in arrival order, on every channel. Two messages a second apart
 * would otherwise run as two turns on the same conversation state (two "yes" answers, two concerns).
 * It sits after emergency screening, so a red flag is answered without waiting for the turn before it.
 * It also knows what is in flight, so shutdown can wait for turns to finish before storage closes.
 * (Within one process; across instances the concern's submission id keeps a resubmission single.)
 */
export class ConversationOrder implements Middleware {
  private readonly running = new Map<string, Promise<void>>();

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const conversationId = context.activity.conversation?.id ?? '';
    const previous = this.running.get(conversationId) ?? Promise.resolve();
    const current = previous.then(next, next);
    const settled = current.then(() => undefined, () => undefined);
    this.running.set(conversationId, settled);
    void settled.then(() => {
      if (this.running.get(conversationId) === settled) this.running.delete(conversationId);
    });
    return current;
  }

  /** Resolves when no turn is running, or after `graceMs`, whichever comes first. */
  async drain(graceMs: number): Promise<void> {
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
    while (this.running.size > 0) {
      const waiting = Promise.all(this.running.values()).then(() => 'done' as const);
      if ((await Promise.race([waiting, deadline.then(() => 'late' as const)])) === 'late') return;
    }
  }
}
