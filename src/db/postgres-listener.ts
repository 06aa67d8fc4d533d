import pg from 'pg';
import type { ListenerEvent } from './database.js';
import type { ListenEngine } from './listeners.js';

export interface ListenerTiming {
  /** First wait before reconnecting; it doubles with each failed attempt, up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** A `select 1` this often: a server that froze or a link that died silently sends no error of its own. */
  heartbeatMs: number;
}

export const DEFAULT_LISTENER_TIMING: ListenerTiming = { retryBaseMs: 250, retryMaxMs: 30_000, heartbeatMs: 30_000 };

/** Set on the listening connection, so that it can be told apart in pg_stat_activity (and in tests). */
export const LISTENER_APPLICATION_NAME = 'carepoint-listener';

interface Connection {
  client: pg.Client;
  listening: Set<string>;
  dead: boolean;
  heartbeat?: NodeJS.Timeout;
}

/**
 * The one connection on which this process LISTENs, outside the pool: a pooled connection goes back to the
 * pool (and to other work) and would stop hearing. Opened with the first channel; when it drops (a restart,
 * a failover, pg_terminate_backend) it is opened again with back-off and LISTENs to every channel again.
 * Notifications sent while it was down are lost, which listeners are told to expect (Database.listen).
 */
export class PostgresListener implements ListenEngine {
  private current: Connection | undefined;
  private readonly channels = new Set<string>();
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;
  private synced: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly deliver: (channel: string, payload: string) => void,
    private readonly onEvent: (event: ListenerEvent) => void,
    private readonly timing: ListenerTiming = DEFAULT_LISTENER_TIMING,
  ) {}

  /** Resolves once listening, or once a reconnection is under way that will listen (never fails for a lost link). */
  listen(channel: string): Promise<void> {
    this.channels.add(channel);
    return this.sync();
  }

  unlisten(channel: string): Promise<void> {
    this.channels.delete(channel);
    return this.sync();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.synced;
    const connection = this.current;
    this.current = undefined;
    if (connection) {
      this.retire(connection);
      await connection.client.end().catch(() => undefined);
    }
  }

  /** Brings the connection's LISTENs in line with `channels`, connecting first if need be; one at a time. */
  private sync(): Promise<void> {
    this.synced = this.synced.then(() => this.syncNow());
    return this.synced;
  }

  private async syncNow(): Promise<void> {
    // Closed, or waiting to reconnect: the reconnection will listen to whatever `channels` holds then.
    if (this.closed || this.retry) return;
    if (!this.current && this.channels.size > 0) await this.connect();
    const connection = this.current;
    if (!connection) return;
    try {
      for (const channel of this.channels) {
        if (connection.listening.has(channel)) continue;
        await connection.client.query(`listen "${channel}"`);
        connection.listening.add(channel);
      }
      for (const channel of connection.listening) {
        if (this.channels.has(channel)) continue;
        await connection.client.query(`unlisten "${channel}"`);
        connection.listening.delete(channel);
      }
    } catch (error) {
      this.lost(connection, error as Error);
      return;
    }
    if (this.failures > 0) {
      this.onEvent({ event: 'listener-restored', attempts: this.failures, channels: connection.listening.size });
      this.failures = 0;
    }
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ ...this.config, application_name: LISTENER_APPLICATION_NAME, keepAlive: true });
    const connection: Connection = { client, listening: new Set(), dead: false };
    // Handlers before connect(): an 'error' with no handler would end the process.
    client.on('notification', (message) => this.deliver(message.channel, message.payload ?? ''));
    client.on('error', (error) => this.lost(connection, error));
    client.on('end', () => this.lost(connection, new Error('the notification connection ended')));
    try {
      await client.connect();
    } catch (error) {
      this.lost(connection, error as Error);
      return;
    }
    if (connection.dead) return;
    this.current = connection;
    connection.heartbeat = setInterval(() => {
      client.query('select 1').catch((error: Error) => this.lost(connection, error));
    }, this.timing.heartbeatMs);
    connection.heartbeat.unref();
  }

  /** Forgets a connection that failed (once, whichever of error, end or a failed query says so first) and retries. */
  private lost(connection: Connection, error: Error): void {
    if (connection.dead) return;
    this.retire(connection);
    if (this.current === connection) this.current = undefined;
    connection.client.end().catch(() => undefined);
    if (this.closed) return;
    this.failures++;
    const retryInMs = Math.min(this.timing.retryBaseMs * 2 ** (this.failures - 1), this.timing.retryMaxMs);
    this.onEvent(this.failures === 1
      ? { event: 'listener-lost', error }
      : { event: 'listener-retry-failed', error, attempt: this.failures - 1, retryInMs });
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.sync();
    }, retryInMs);
    this.retry.unref();
  }

  private retire(connection: Connection): void {
    connection.dead = true;
    clearInterval(connection.heartbeat);
  }
}
