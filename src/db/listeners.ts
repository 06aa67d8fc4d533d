import { assertChannel, type ListenerEvent } from './database.js';

/** What an engine does for the registry: start or stop receiving a channel's notifications. */
export interface ListenEngine {
  listen(channel: string): Promise<void>;
  unlisten(channel: string): Promise<void>;
}

type Listener = { onNotify: (payload: string) => void };

/**
 * Who listens to which channel in this process, for either engine. The engine hears of a channel only when
 * it gets its first listener or loses its last; those calls run one at a time, each bringing the engine in
 * line with the callbacks present by then, so an unlisten racing a listen on one channel never leaves it deaf.
 */
export class Listeners {
  private readonly byChannel = new Map<string, Set<Listener>>();
  /** Channels the engine has been told to listen to. */
  private readonly listened = new Set<string>();
  private settled: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly engine: ListenEngine,
    private readonly onEvent: (event: ListenerEvent) => void = () => undefined,
  ) {}

  async add(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    assertChannel(channel);
    // An object of its own, so the same function added twice is two listeners, removed one at a time.
    const listener: Listener = { onNotify };
    const set = this.byChannel.get(channel) ?? new Set();
    this.byChannel.set(channel, set);
    set.add(listener);
    try {
      await this.reconcile(channel);
    } catch (error) {
      set.delete(listener);
      throw error;
    }
    let removed: Promise<void> | undefined;
    return () => {
      // Delivery stops at once; UNLISTEN follows when this was the channel's last listener.
      removed ??= (set.delete(listener), this.reconcile(channel));
      return removed;
    };
  }

  /** Calls every listener on `channel`; one that throws is reported and does not stop the rest. */
  deliver(channel: string, payload: string): void {
    for (const { onNotify } of [...(this.byChannel.get(channel) ?? [])]) {
      try {
        onNotify(payload);
      } catch (error) {
        this.onEvent({ event: 'listener-callback-failed', error: error as Error, channel });
      }
    }
  }

  private reconcile(channel: string): Promise<void> {
    const step = this.settled.then(async () => {
      const wanted = (this.byChannel.get(channel)?.size ?? 0) > 0;
      if (wanted && !this.listened.has(channel)) {
        await this.engine.listen(channel);
        this.listened.add(channel);
      } else if (!wanted && this.listened.has(channel)) {
        this.listened.delete(channel);
        this.byChannel.delete(channel);
        await this.engine.unlisten(channel);
      }
    });
    this.settled = step.catch(() => undefined);
    return step;
  }
}
