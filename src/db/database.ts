import { within } from '../deadline.js';

/** The database port: the smallest surface every storage module needs. One SQL dialect: PostgreSQL. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

export interface Database extends Queryable {
  /** Runs `work` in one transaction; it commits when `work` resolves and rolls back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * PROVISIONAL (console-pages branch; the database-port branch's own listen replaces this): calls `onNotify`
   * with each payload sent on `channel` by pg_notify, from any session, after the sender commits, until the
   * returned unlisten resolves. Notifications can be missed (a dropped connection): listeners also poll.
   */
  listen?(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** Cheap liveness probe for /readyz. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
  readonly kind: 'pglite' | 'postgres';
}

/** Client-side limits on a database server (DATABASE_CONNECT_TIMEOUT_MS, DATABASE_QUERY_TIMEOUT_MS). */
export interface DatabaseTimeouts {
  /** Waiting for a connection (a new one, or a free one from the pool). */
  connectMs: number;
  /** One statement, counted by the client: a frozen server never answers, so its own timeout never fires. */
  queryMs: number;
  /** The readiness probe. */
  pingMs: number;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = { connectMs: 5_000, queryMs: 5_000, pingMs: 2_000 };

/** A liveness probe over any query function: true when `select 1` answers within `timeoutMs`. */
export async function answers(queryable: Pick<Queryable, 'query'>, timeoutMs = DEFAULT_DATABASE_TIMEOUTS.pingMs): Promise<boolean> {
  try {
    await within(queryable.query('select 1'), timeoutMs, 'ping');
    return true;
  } catch {
    return false;
  }
}

/** Lower-case identifiers only: LISTEN folds an unquoted name to lower case, and pg_notify() does not. */
export function assertChannel(channel: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`not a notification channel name: ${JSON.stringify(channel)}`);
}

/** Listeners by channel, for a database that hears notifications on one session: who to call, and when to (un)listen. */
export class ChannelListeners {
  private readonly byChannel = new Map<string, Set<(payload: string) => void>>();

  constructor(private readonly session: { listen(channel: string): Promise<void>; unlisten(channel: string): Promise<void> }) {}

  async add(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    assertChannel(channel);
    let set = this.byChannel.get(channel);
    if (!set) {
      set = new Set();
      this.byChannel.set(channel, set);
      try {
        await this.session.listen(channel);
      } catch (error) {
        this.byChannel.delete(channel); // the next listener tries again
        throw error;
      }
    }
    // A fresh function per call, so the same callback added twice is removed once per unlisten.
    const entry = (payload: string) => onNotify(payload);
    set.add(entry);
    return async () => {
      if (!set.delete(entry) || set.size > 0 || this.byChannel.get(channel) !== set) return;
      this.byChannel.delete(channel);
      await this.session.unlisten(channel);
    };
  }

  deliver(channel: string, payload: string): void {
    for (const onNotify of [...(this.byChannel.get(channel) ?? [])]) {
      try {
        onNotify(payload);
      } catch {
        // One listener's failure is its own; the others still hear it.
      }
    }
  }
}
