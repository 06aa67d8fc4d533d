import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startWorker } from '../threads/start-worker.js';
import { answers, ChannelListeners, type Database, type Queryable } from './database.js';
import type { Notification, Reply, Request, SerialisedError, Startup } from './pglite-thread.js';
import { storableParams } from './storable.js';

type Pending = { resolve: (reply: Reply) => void; reject: (error: Error) => void };
// Distributes over the union, so each request keeps its own fields.
type Unsent<R> = R extends unknown ? Omit<R, 'id'> : never;

/**
 * Embedded PostgreSQL (PGlite) persisted in a directory; `memory://` for throw-away use.
 * PGlite runs on a worker thread (pglite-thread.ts): its WebAssembly is most of a turn's CPU, and on
 * its own thread it uses the second core and never blocks an HTTP request or a 999 instruction.
 */
export async function openPgliteDatabase(
  dataDir: string,
  options: { onConnectionLost?: (error: Error) => void } = {},
): Promise<Database> {
  if (dataDir.startsWith('memory://')) return openOnThread(dataDir, options);
  mkdirSync(dataDir, { recursive: true });
  // A new directory is created (initdb) by a WebAssembly instance of its own, whose memory (about 400 MB)
  // PGlite never gives back; created on a thread of its own, it goes when that thread ends.
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await (await openOnThread(dataDir, {})).close();
  return openOnThread(dataDir, options);
}

async function openOnThread(dataDir: string, options: { onConnectionLost?: (error: Error) => void }): Promise<Database> {
  const worker = startWorker(new URL('./pglite-thread.ts', import.meta.url), { dataDir });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let stopped: Error | undefined;
  let closing = false;

  await new Promise<void>((resolve, reject) => {
    worker.once('message', (startup: Startup) => (startup.ready ? resolve() : reject(deserialise(startup.error))));
    worker.once('error', reject);
    // Settles nothing once ready; before that, a thread that ends without a word must not leave start-up waiting.
    worker.once('exit', (code) => reject(new Error(`the embedded database thread ended while starting (exit code ${code})`)));
  });
  worker.on('message', (reply: Reply | Notification) => {
    if ('notify' in reply) return listeners.deliver(reply.notify, reply.payload);
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if ('error' in reply) waiting.reject(deserialise(reply.error));
    else waiting.resolve(reply);
  });
  // A dead worker fails every statement in flight and every later one (none hangs): /readyz then says so.
  const fail = (error: Error) => {
    if (!stopped && !closing) options.onConnectionLost?.(error);
    stopped ??= error;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', () => fail(new Error('the embedded database has stopped')));

  const send = (request: Unsent<Request>): Promise<Reply> => {
    if (stopped) return Promise.reject(stopped);
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      try {
        worker.postMessage({ ...request, id });
      } catch (error) {
        // A parameter that cannot be copied to the thread (a function, a class with private state).
        pending.delete(id);
        reject(error as Error);
      }
    });
  };
  const queryable = (tx?: number): Queryable => ({
    async query<Row>(sql: string, params: unknown[] = []) {
      const reply = await send({ op: 'query', sql, params: storableParams(params), tx });
      return { rows: (reply as { rows: Row[] }).rows };
    },
  });
  const db = queryable();
  const listeners = new ChannelListeners({
    listen: async (channel) => void (await send({ op: 'listen', channel })),
    unlisten: async (channel) => void (await send({ op: 'unlisten', channel })),
  });

  return {
    kind: 'pglite',
    ...db,
    async transaction(work) {
      const { tx } = (await send({ op: 'begin' })) as { tx: number };
      let result;
      try {
        result = await work(queryable(tx));
      } catch (error) {
        await send({ op: 'rollback', tx }).catch(() => undefined);
        throw error;
      }
      await send({ op: 'commit', tx });
      return result;
    },
    listen: (channel, onNotify) => listeners.add(channel, onNotify),
    ping: () => answers(db),
    async close() {
      if (stopped) return;
      closing = true;
      await send({ op: 'close' });
      // The database is closed and flushed; nothing is left on the thread worth waiting for.
      await worker.terminate();
    },
  };
}

/** A fresh Error here, so its stack shows the caller, carrying the PostgreSQL fields (code, constraint...). */
function deserialise(error: SerialisedError): Error {
  return Object.assign(new Error(error.message), error);
}
