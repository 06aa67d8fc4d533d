import type { Logger } from '../logging.js';

/** The Database port's listen (src/db/database.ts): notifications on a channel until the unlisten resolves. */
export type Listen = (channel: string, onNotify: (payload: string) => void) => Promise<() => Promise<void>>;

/** Where migration 026's triggers send the id of each concern that changed, on commit. */
export const CONCERN_CHANNEL = 'concern_changes';

const CONCERN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Which concerns changed, as they commit, on this instance or any other on the same database: one database
 * listener for the process, shared by every subscriber (each open console page). A hint to look again, not a
 * log: a notification can be missed (a dropped connection), so subscribers refresh now and then as well.
 */
export class ConcernFeed {
  private readonly listeners = new Set<(concernId: string) => void>();
  private listening: Promise<() => Promise<void>> | undefined;

  constructor(
    private readonly listen: Listen,
    private readonly logger?: Logger,
  ) {}

  /** Starts listening on the database (once; later calls wait for the first). */
  async start(): Promise<void> {
    this.listening ??= this.listen(CONCERN_CHANNEL, (payload) => this.deliver(payload)).catch((error: unknown) => {
      this.listening = undefined;
      throw error;
    });
    await this.listening;
  }

  /** Calls `listener` with the id of each concern that changes, until the returned function is called. */
  subscribe(listener: (concernId: string) => void): () => void {
    // Wrapped, so the same function subscribed twice is two subscriptions.
    const entry = (concernId: string) => listener(concernId);
    this.listeners.add(entry);
    return () => void this.listeners.delete(entry);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** Stops listening on the database; subscribers hear nothing more. */
  async stop(): Promise<void> {
    const listening = this.listening;
    this.listening = undefined;
    this.listeners.clear();
    const unlisten = await listening?.catch(() => undefined);
    // The database may be gone already (it failed): there is nothing left to stop listening to.
    await unlisten?.().catch((err: unknown) => this.logger?.warn({ err, event: 'concern-feed-unlisten-failed' }, 'could not stop listening for concern changes'));
  }

  private deliver(payload: string): void {
    // Only ever a concern id: anything else on the channel is not ours to pass on (to a browser).
    if (!CONCERN_ID.test(payload)) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(payload);
      } catch (err) {
        this.logger?.error({ err, event: 'concern-feed-listener-failed' }, 'a concern feed subscriber failed');
      }
    }
  }
}
