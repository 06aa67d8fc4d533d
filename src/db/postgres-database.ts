import pg from 'pg';
import { answers, type Database, type Queryable } from './database.js';
import { storableParams } from './storable.js';

/** A PostgreSQL server through a pg connection pool. */
export async function openPostgresDatabase(
  connectionString: string,
  options: { poolSize?: number; onConnectionLost?: (error: Error) => void } = {},
): Promise<Database> {
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    // A turn must never hang on storage: fail fast, and the patient is told something safe.
    connectionTimeoutMillis: 5_000,
    statement_timeout: 10_000,
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
  return {
    kind: 'postgres',
    ...asQueryable(pool),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await work(asQueryable(client));
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    ping: () => answers(pool),
    close: () => pool.end(),
  };
}
