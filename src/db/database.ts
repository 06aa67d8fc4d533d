import { within } from '../deadline.js';

/** The database port: the smallest surface every storage module needs. One SQL dialect: PostgreSQL. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

export interface Database extends Queryable {
  /** Runs `work` in one transaction; it commits when `work` resolves and rolls back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Calls `onNotify` with each notification's payload on `channel` (an identifier: see assertChannel), from
   * this process or any other on the same database, until the returned unlisten resolves. Notifications are
   * sent with notify() below, inside the writer's transaction, so they go out when it commits, and never if
   * it rolls back. They can be missed (a dropped connection, a restart): a listener is a hint to look again
   * soon, and whoever relies on one also polls.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** Cheap liveness probe for /readyz. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
  readonly kind: 'pglite' | 'postgres';
}

/** What happens to a process's notification listening, for the log (no connection string, no payload). */
export type ListenerEvent =
  /** The connection the listeners use dropped (or could not be made): reconnecting, notifications meanwhile are lost. */
  | { event: 'listener-lost'; error: Error }
  /** Another attempt to reconnect failed; the next is in `retryInMs`. */
  | { event: 'listener-retry-failed'; error: Error; attempt: number; retryInMs: number }
  /** Connected again and listening on every channel again. */
  | { event: 'listener-restored'; attempts: number; channels: number }
  /** A listener threw; the others still heard the notification. */
  | { event: 'listener-callback-failed'; error: Error; channel: string };

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

/** Lower-case identifiers only: LISTEN folds an unquoted name to lower case and pg_notify() does not. */
const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertChannel(channel: string): void {
  if (!CHANNEL.test(channel)) throw new Error(`not a notification channel name: ${JSON.stringify(channel)}`);
}

/**
 * Sends `payload` to every listener on `channel` when the caller's transaction commits (at once outside one).
 * Pass the transaction of the write the notification is about, so that listeners never hear of a change
 * that was rolled back, and never before they could read it. PostgreSQL drops a duplicate notification
 * (same channel and payload) within one transaction, and limits a payload to under 8,000 bytes.
 */
export async function notify(q: Queryable, channel: string, payload = ''): Promise<void> {
  assertChannel(channel);
  await q.query('select pg_notify($1, $2)', [channel, payload]);
}
