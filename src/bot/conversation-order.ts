import { AsyncLocalStorage } from 'node:async_hooks';
import type { Middleware, TurnContext } from 'botbuilder';
import { finishedWithin, remainingMs } from '../deadline.js';
import type { Logger } from '../logging.js';
import { EMERGENCY_DEADLINE } from './turn-keys.js';
import { requesterOf } from './channel.js';

const SLOT = Symbol('carepoint.conversationSlot');
/** The part of a turn still running after its answer went back; the conversation's place is held until it ends. */
const CONTINUES = Symbol('carepoint.turnContinues');

interface Slot {
  key: string;
  /** The previous turn of the same conversation, or nothing to wait for. */
  previous: Promise<void>;
}

/**
 * One turn at a time per conversation, in arrival order, on every channel. Two messages a second apart
 * would otherwise run as two turns on the same conversation state (two "yes" answers, two concerns).
 *
 * Two middleware: `reserve` runs first and takes the conversation's place in line at once, before anything
 * awaits, so arrival order holds; `gate` runs after emergency screening and waits for the turn before, so
 * a red flag is answered without waiting behind it. Shutdown asks `drain` to wait for turns in flight.
 * (Within one process; across instances the concern's submission id keeps a resubmission single.)
 */
export class ConversationOrder {
  private readonly running = new Map<string, Promise<void>>();
  /** Conversations whose turn the current async context is inside: a turn started from there must not wait. */
  private readonly inside = new AsyncLocalStorage<Set<string>>();

  constructor(
    private readonly logger: Logger,
    private readonly waitAtMostMs = 30_000,
  ) {}

  readonly reserve: Middleware = {
    onTurn: async (context, next) => {
      // The conversation as stored: a client cannot line up behind another channel's conversation by naming its id.
      const key = `${context.activity.channelId}/${requesterOf(context).conversationId}`;
      const held = this.inside.getStore();
      if (held?.has(key)) return next(); // a proactive turn from inside this conversation's own turn
      const previous = this.running.get(key) ?? Promise.resolve();
      let release!: () => void;
      const done = new Promise<void>((resolve) => (release = resolve));
      this.running.set(key, done);
      context.turnState.set(SLOT, { key, previous } satisfies Slot);
      const end = () => {
        release();
        if (this.running.get(key) === done) this.running.delete(key);
      };
      try {
        await this.inside.run(new Set([...(held ?? []), key]), next);
      } finally {
        const rest = context.turnState.get(CONTINUES) as Promise<void> | undefined;
        if (rest) void rest.then(end, end);
        else end();
      }
    },
  };

  readonly gate: Middleware = {
    onTurn: async (context, next) => {
      const slot = context.turnState.get(SLOT) as Slot | undefined;
      const deadline = context.turnState.get(EMERGENCY_DEADLINE) as number | undefined;
      if (deadline === undefined) {
        if (slot) await this.waitFor(slot);
        return next();
      }
      // An emergency turn answers by its deadline (the 999 instruction has been sent): waiting for the turn
      // before and the dialog's re-prompt, which load and save state, carry on after the answer if storage is slow.
      const rest = (async () => {
        if (slot) await this.waitFor(slot);
        await next();
      })();
      if (await finishedWithin(rest, remainingMs(deadline))) return;
      this.logger.warn({ event: 'emergency-answered-before-turn-ended' }, 'emergency answered; the rest of its turn waits on storage');
      context.turnState.set(CONTINUES, rest.catch((err: unknown) => this.logger.error({ err, event: 'late-turn-failed' }, 'rest of an emergency turn failed')));
    },
  };

  /** Resolves when no turn is running, or after `graceMs`, naming how many were left. */
  async drain(graceMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
    try {
      while (this.running.size > 0) {
        const all = Promise.all(this.running.values()).then(() => 'done' as const);
        if ((await Promise.race([all, late])) === 'late') {
          this.logger.error({ event: 'turns-abandoned', count: this.running.size }, 'turns still running at shutdown');
          return;
        }
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** A turn that never ends must not hold its conversation for ever. */
  private async waitFor(slot: Slot): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), this.waitAtMostMs)));
    try {
      if ((await Promise.race([slot.previous.then(() => 'ok' as const), gaveUp])) === 'late') {
        this.logger.error({ event: 'turn-order-timeout', waitedMs: this.waitAtMostMs }, 'previous turn of this conversation never finished; going ahead');
      }
    } finally {
      clearTimeout(timer);
    }
  }
}
