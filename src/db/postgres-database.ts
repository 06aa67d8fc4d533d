import pg from 'pg';
import { answers, ChannelListeners, DEFAULT_DATABASE_TIMEOUTS, type Database, type DatabaseTimeouts, type Queryable } from './database.js';
import { storableParams } from './storable.js';

/** A PostgreSQL server through a pg connection pool. */
export async function openPostgresDatabase(
  connectionString: string,
  options: { poolSize?: number; onConnectionLost?: (error: Error) => void; timeouts?: Partial<DatabaseTimeouts> } = {},
): Promise<Database> {
  const timeouts = { ...DEFAULT_DATABASE_TIMEOUTS, ...options.timeouts };
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    // A turn must never hang on storage: fail fast, and the patient is told something safe. The client's own
    // timers count, not only the server's statement_timeout: a frozen or unreachable server never answers.
    connectionTimeoutMillis: timeouts.connectMs,
    query_timeout: timeouts.queryMs,
    statement_timeout: timeouts.queryMs,
  });
  // An idle connection dropped by a failover would otherwise be an unhandled 'error' that ends the process.
  pool.on('error', (error) => options.onConnectionLost?.(error));
  // Fail at start-up, not on the first patient's message.
  const probe = await pool.connect();
  probe.release();
  const asQueryable = (q: pg.Pool | pg.PoolClient): Queryable => ({
    async query<Row>(sql: string, params: unknown[] = []) {
      const result = await q.query(sql, storableParams(params));
      return { rows: result.rows as Row[] };
    },
  });
  // PROVISIONAL listen (see database.ts): notifications need a session of their own, outside the pool, made on
  // first use. It does not reconnect: a dropped listener is reported, and listeners' own polling carries on.
  let listener: Promise<pg.Client> | undefined;
  const listenerClient = () => (listener ??= (async () => {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: timeouts.connectMs, query_timeout: timeouts.queryMs });
    client.on('error', (error) => options.onConnectionLost?.(error));
    client.on('notification', (message) => listeners.deliver(message.channel, message.payload ?? ''));
    await client.connect();
    return client;
  })().catch((error: unknown) => {
    listener = undefined;
    throw error;
  }));
  const listeners = new ChannelListeners({
    listen: async (channel) => void (await (await listenerClient()).query(`listen ${channel}`)),
    unlisten: async (channel) => void (await (await listenerClient()).query(`unlisten ${channel}`)),
  });
  return {
    kind: 'postgres',
    ...asQueryable(pool),
    async transaction(work) {
      const client = await pool.connect();
      let failed: Error | undefined;
      try {
        await client.query('begin');
        const result = await work(asQueryable(client));
        await client.query('commit');
        return result;
      } catch (error) {
        failed = error as Error;
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        // A connection whose transaction failed (a timeout, a dropped link) is closed, not handed to the next turn.
        client.release(failed);
      }
    },
    listen: (channel, onNotify) => listeners.add(channel, onNotify),
    ping: () => answers(pool, timeouts.pingMs),
    async close() {
      const client = listener && (await listener.catch(() => undefined));
      listener = undefined;
      await client?.end().catch(() => undefined);
      await pool.end();
    },
  };
}
