import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { assertChannel } from './database.js';
import { PgliteSession } from './pglite-session.js';

/**
 * The worker side of the embedded database: PGlite runs here, on its own thread, so its WebAssembly and
 * file writes do not hold up the thread that answers patients. The main side is pglite-database.ts.
 */
export type Request =
  | { id: number; op: 'query'; sql: string; params: unknown[]; tx?: number }
  | { id: number; op: 'begin' }
  | { id: number; op: 'commit' | 'rollback'; tx: number }
  | { id: number; op: 'listen' | 'unlisten'; channel: string }
  | { id: number; op: 'close' };

export type Reply =
  | { id: number; rows: unknown[] }
  | { id: number; tx: number }
  | { id: number; error: SerialisedError };

/** An error's message and its PostgreSQL fields (code, constraint...): what callers branch on. */
export type SerialisedError = { message: string } & Record<string, string | number | undefined>;

/** A notification on a channel this session LISTENs to, posted to the main thread as it arrives. */
export type Notification = { channel: string; payload: string };

export type Startup = { ready: true } | { ready: false; error: SerialisedError };

async function serve(dataDir: string): Promise<void> {
  const port = parentPort!;
  let session: PgliteSession;
  let db: PGlite;
  try {
    db = await PGlite.create(dataDir);
    session = await PgliteSession.open(db);
  } catch (err) {
    port.postMessage({ ready: false, error: serialise(err) } satisfies Startup);
    return;
  }

  // The thread is one session, like one connection: statements run one at a time, in order of arrival,
  // and while a transaction is open only its own statements run; the rest wait until it ends.
  const queue: Request[] = [];
  let open: number | undefined;
  let nextTx = 1;
  let running = false;
  // Closing waits for an open transaction to end, as PGlite's own close() did.
  const runnable = (request: Request) => open === undefined || ('tx' in request && request.tx === open);

  const handle = async (request: Request): Promise<Reply> => {
    switch (request.op) {
      case 'query':
        if (request.tx !== undefined && request.tx !== open) throw new Error(`no open transaction ${request.tx}`);
        return { id: request.id, rows: (await session.query(request.sql, request.params)).rows };
      case 'begin':
        await session.control('begin');
        open = nextTx++;
        return { id: request.id, tx: open };
      case 'commit':
      case 'rollback':
        if (request.tx !== open) throw new Error(`no open transaction ${request.tx}`);
        // The transaction is over whatever COMMIT says: PostgreSQL ends it either way.
        open = undefined;
        await session.control(request.op);
        return { id: request.id, rows: [] };
      case 'listen':
      case 'unlisten':
        // Run as any statement is: never inside another's transaction (PGlite would tie it to that one's fate).
        assertChannel(request.channel);
        await session.command(`${request.op} "${request.channel}"`);
        return { id: request.id, rows: [] };
      case 'close':
        await db.close();
        return { id: request.id, rows: [] };
    }
  };

  const answer = (reply: Reply) => {
    try {
      port.postMessage(reply);
    } catch (err) {
      // Rows that cannot be copied back: that statement fails, the thread carries on.
      port.postMessage({ id: reply.id, error: serialise(err) } satisfies Reply);
    }
  };

  const pump = async () => {
    if (running) return;
    running = true;
    try {
      for (let next = queue.findIndex(runnable); next >= 0; next = queue.findIndex(runnable)) {
        const [request] = queue.splice(next, 1) as [Request];
        answer(await handle(request).catch((err: unknown): Reply => ({ id: request.id, error: serialise(err) })));
        if (request.op === 'close') {
          port.close();
          return;
        }
      }
    } finally {
      running = false;
    }
  };

  // The session is this database's only one, so it hears its own notifications: at COMMIT, after the
  // statement that sent them outside a transaction. PGlite parses them from the replies the session reads.
  db.onNotification((channel, payload) => port.postMessage({ channel, payload } satisfies Notification));

  port.on('message', (request: Request) => {
    queue.push(request);
    void pump();
  });
  port.postMessage({ ready: true } satisfies Startup);
}

function serialise(err: unknown): SerialisedError {
  if (!(err instanceof Error)) return { message: String(err) };
  const fields = Object.entries(err).filter(([, v]) => typeof v === 'string' || typeof v === 'number');
  return { ...Object.fromEntries(fields), name: err.name, message: err.message };
}

await serve((workerData as { dataDir: string }).dataDir);
