import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';

/**
 * The worker side of the embedded database: PGlite runs here, on its own thread, so its WebAssembly and
 * file writes do not hold up the thread that answers patients. The main side is pglite-database.ts.
 */
export type Request =
  | { id: number; op: 'query'; sql: string; params: unknown[]; tx?: number }
  | { id: number; op: 'begin' }
  | { id: number; op: 'commit' | 'rollback'; tx: number }
  | { id: number; op: 'close' };

export type Reply =
  | { id: number; rows: unknown[] }
  | { id: number; tx: number }
  | { id: number; error: SerialisedError };

/** An error's message and its PostgreSQL fields (code, constraint...): what callers branch on. */
export type SerialisedError = { message: string } & Record<string, string | number | undefined>;

export type Startup = { ready: true } | { ready: false; error: SerialisedError };

interface OpenTransaction {
  tx: Transaction;
  finish: (commit: boolean) => void;
  settled: Promise<void>;
}

class RolledBack extends Error {}

async function serve(dataDir: string): Promise<void> {
  const port = parentPort!;
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir);
  } catch (err) {
    port.postMessage({ ready: false, error: serialise(err) } satisfies Startup);
    return;
  }
  const transactions = new Map<number, OpenTransaction>();
  let nextTx = 1;

  /** PGlite holds its own lock for a transaction's lifetime, so other statements wait for it, as before. */
  const begin = () =>
    new Promise<number>((started, failed) => {
      const id = nextTx++;
      let finish!: (commit: boolean) => void;
      const decided = new Promise<boolean>((resolve) => (finish = resolve));
      const settled = db
        .transaction(async (tx) => {
          // `settled` is read only after the decision, by when it has surely been assigned.
          transactions.set(id, { tx, finish, settled: decided.then(() => settled) });
          started(id);
          if (!(await decided)) throw new RolledBack();
        })
        .catch((err: unknown) => {
          if (!(err instanceof RolledBack)) throw err;
        })
        .finally(() => transactions.delete(id));
      // Fails the begin when the transaction never started; later failures reach commit or rollback.
      settled.catch(failed);
    });

  const end = async (id: number, commit: boolean) => {
    const open = transactions.get(id);
    if (!open) throw new Error(`no open transaction ${id}`);
    open.finish(commit);
    await open.settled;
  };

  const handle = async (request: Request): Promise<Reply> => {
    switch (request.op) {
      case 'query': {
        const target = request.tx === undefined ? db : transactions.get(request.tx)?.tx;
        if (!target) throw new Error(`no open transaction ${request.tx}`);
        return { id: request.id, rows: (await target.query(request.sql, request.params)).rows };
      }
      case 'begin':
        return { id: request.id, tx: await begin() };
      case 'commit':
      case 'rollback':
        await end(request.tx, request.op === 'commit');
        return { id: request.id, rows: [] };
      case 'close':
        await db.close();
        return { id: request.id, rows: [] };
    }
  };

  port.on('message', (request: Request) => {
    handle(request).then(
      (reply) => {
        port.postMessage(reply);
        if (request.op === 'close') port.close();
      },
      (err: unknown) => port.postMessage({ id: request.id, error: serialise(err) } satisfies Reply),
    );
  });
  port.postMessage({ ready: true } satisfies Startup);
}

function serialise(err: unknown): SerialisedError {
  if (!(err instanceof Error)) return { message: String(err) };
  const fields = Object.entries(err).filter(([, v]) => typeof v === 'string' || typeof v === 'number');
  return { ...Object.fromEntries(fields), name: err.name, message: err.message };
}

await serve((workerData as { dataDir: string }).dataDir);
