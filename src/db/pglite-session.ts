import { parse, protocol, TransactionAbortedError, type PGlite, type Results } from '@electric-sql/pglite';
import { LRUCache } from 'lru-cache';

type Message = Awaited<ReturnType<PGlite['execProtocolStream']>>[number];

interface Prepared {
  name: string;
  paramTypes: number[];
  /** The statement's row description, or none for a statement that returns no rows. */
  rowDescription: Message[];
}

/**
 * A prepared statement that a migration changed under it: its result columns ("cached plan must not change
 * result type") or the types of its parameters (datatype mismatch, no such function or operator).
 */
function isStale(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return (code === '0A000' && /cached plan must not change result type/.test(message ?? '')) || code === '42804' || code === '42883';
}

/**
 * One PGlite session used the way a PostgreSQL client uses a connection: each statement is prepared once,
 * by name, and every later run skips parsing and planning (see open()); bind, execute and sync go into the WebAssembly
 * in one call. PGlite's own query() prepares every statement afresh in six calls, three to four times the
 * CPU for the statements a turn makes. Results and errors are PGlite's own (same parsers, same fields).
 *
 * Not re-entrant: the caller runs one statement at a time, as on one connection.
 */
export class PgliteSession {
  private readonly statements: LRUCache<string, Prepared>;
  /** Statements pushed out of the cache, closed on the way in with the next one prepared. */
  private unused: string[] = [];
  private nextName = 1;
  /** In a failed transaction nothing can be retried, so statements are prepared again only outside one. */
  private inTransaction = false;

  constructor(
    private readonly db: PGlite,
    maxStatements = 200,
  ) {
    this.statements = new LRUCache({ max: maxStatements, dispose: (statement) => this.unused.push(statement.name) });
  }

  /**
   * A session whose prepared statements are planned once. By default PostgreSQL plans a statement afresh on every
   * run whenever its estimate for the values given beats the plan for any values: always so for a statement over
   * unnest() of arrays (it knows their lengths), such as the batched inbound record, whose planning then cost
   * as much as running it. Embedded PGlite has no statistics (it never runs ANALYZE), so the values change little
   * in a plan but the estimate for unnest().
   */
  static async open(db: PGlite, maxStatements?: number): Promise<PgliteSession> {
    const session = new PgliteSession(db, maxStatements);
    await session.command('set plan_cache_mode = force_generic_plan');
    return session;
  }

  async query<Row>(sql: string, params: unknown[] = []): Promise<Results<Row>> {
    try {
      const cached = this.statements.get(sql);
      try {
        return await this.run<Row>(cached ?? (await this.prepare(sql)), params);
      } catch (error) {
        // A migration changed a statement prepared before it: prepare it again, once.
        if (!cached || this.inTransaction || !isStale(error)) throw error;
        this.statements.delete(sql);
        return await this.run<Row>(await this.prepare(sql), params);
      }
    } catch (error) {
      // As PGlite's own query() does: which statement failed, for whoever reads the error (never the values).
      throw Object.assign(error as object, { query: sql });
    }
  }

  /** BEGIN, COMMIT, ROLLBACK: the simple protocol, nothing to prepare. COMMIT of a failed transaction throws. */
  async control(command: 'begin' | 'commit' | 'rollback'): Promise<void> {
    this.inTransaction = command === 'begin';
    const messages = await this.db.execProtocolStream(protocol.serialize.query(command));
    // PostgreSQL answers COMMIT of a transaction that already failed with ROLLBACK, and no error.
    const rolledBack = messages.some((m) => m.name === 'commandComplete' && (m as { text?: string }).text === 'ROLLBACK');
    if (command === 'commit' && rolledBack) throw new TransactionAbortedError();
  }

  /** A utility statement with nothing to prepare or return (LISTEN, UNLISTEN), by the simple protocol. */
  async command(sql: string): Promise<void> {
    await this.db.execProtocolStream(protocol.serialize.query(sql));
  }

  private async run<Row>(statement: Prepared, params: unknown[]): Promise<Results<Row>> {
    const values = params.map((param, i) => {
      if (param === null || param === undefined) return null;
      const serialise = this.db.serializers[statement.paramTypes[i]!];
      return serialise ? serialise(param) : String(param);
    });
    const message = Buffer.concat([
      protocol.serialize.bind({ statement: statement.name, values }),
      protocol.serialize.execute({}),
      protocol.serialize.sync(),
    ]);
    // The row description came with the statement; parseResults needs it in front of the rows.
    const messages = await this.db.execProtocolStream(message);
    return parse.parseResults([...statement.rowDescription, ...messages], this.db.parsers)[0] as Results<Row>;
  }

  private async prepare(sql: string): Promise<Prepared> {
    const name = `carepoint_${this.nextName++}`;
    const closing = this.unused.map((old) => protocol.serialize.close({ type: 'S', name: old }));
    this.unused = [];
    const messages = await this.db.execProtocolStream(Buffer.concat([
      ...closing,
      protocol.serialize.parse({ name, text: sql }),
      protocol.serialize.describe({ type: 'S', name }),
      protocol.serialize.sync(),
    ]));
    const prepared = {
      name,
      paramTypes: parse.parseDescribeStatementResults(messages),
      rowDescription: messages.filter((m) => m.name === 'rowDescription'),
    };
    this.statements.set(sql, prepared);
    return prepared;
  }
}
