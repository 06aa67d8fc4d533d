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

/** A liveness probe over any query function: true when `select 1` answers. */
export async function answers(queryable: Pick<Queryable, 'query'>): Promise<boolean> {
  try {
    await queryable.query('select 1');
    return true;
  } catch {
    return false;
  }
}
