import { within } from '../deadline.js';

/** The database port: the smallest surface every storage module needs. One SQL dialect: PostgreSQL. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
}

export interface Database extends Queryable {
  /** Runs `work` in one transaction; it commits when `work` resolves and rolls back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
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
