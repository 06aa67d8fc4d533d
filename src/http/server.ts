import pino from 'pino';
import restify, { type Request, type Response, type Server } from 'restify';
import type { Logger } from '../logging.js';
import { bodyParser } from './body-parser.js';

export interface HttpServer {
  server: Server;
  /** Stops taking requests, waits for those in flight (up to `graceMs`), then resolves. */
  drain(graceMs?: number): Promise<void>;
  /**
   * Responses that never finish by themselves (server-sent event streams) end with `close` once drain starts,
   * so that the wait for requests in flight is not a wait for them.
   */
  onDrain(close: () => void): void;
}

export type LoggedRequest = Request & { carepointLog: Logger };

/** restify with body parsing, a request-scoped logger (request id on every line) and drain support. */
export function createHttpServer(logger: Logger): HttpServer {
  // restify's own logger is silenced: it writes whole requests (bodies, headers) when a response cannot be
  // formatted, and values that async handlers return. Carepoint's request lines are written below.
  // (restify 11 takes a pino logger; its type definitions still say bunyan.)
  const silent = pino({ level: 'silent' }) as unknown as restify.ServerOptions['log'];
  const server = restify.createServer({ name: 'carepoint', handleUncaughtExceptions: false, log: silent });
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const onDrain: (() => void)[] = [];

  server.pre((req, res, next) => {
    inFlight++;
    const started = process.hrtime.bigint();
    (req as LoggedRequest).carepointLog = logger.child({ requestId: req.getId() });
    // 'close' also fires when the client goes away mid-request, which 'finish' never does.
    res.once('close', () => {
      inFlight--;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const log = (req as LoggedRequest).carepointLog;
      // The route's pattern, not the path: paths can carry conversation ids.
      const line = { method: req.method, path: req.getRoute()?.path ?? 'unmatched', status: res.statusCode, ms: Math.round(ms * 10) / 10 };
      if (res.statusCode >= 500) log.error(line, 'request failed');
      else log.debug(line, 'request');
      if (inFlight === 0) idle?.();
    });
    return next();
  });
  // Before routing, so that a request for no route (404, 405) is read to its end and refused like any other
  // rather than having its connection reset under the client.
  // A handler that throws or rejects: restify would answer 500 with the error's message (String(err)) as the
  // body. Errors it knows (404, 405, 413...) keep their status and text; anything else says nothing.
  server.on('restifyError', (req: Request, res: Response, err: unknown, done: () => void) => {
    const status = (err as { statusCode?: unknown } | undefined)?.statusCode;
    if (typeof status !== 'number' || status >= 500) {
      (req as Partial<LoggedRequest>).carepointLog?.error({ err }, 'route failed');
      if (!res.headersSent) res.send(500, { error: 'internal error' });
    }
    return done();
  });
  server.pre(bodyParser({ maxBytes: 256 * 1024, maxDepth: 64 }));
  server.use(restify.plugins.queryParser({ mapParams: false }));

  return {
    server,
    onDrain: (close) => void onDrain.push(close),
    async drain(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.server.close(() => resolve()));
      for (const close of onDrain) close();
      server.server.closeIdleConnections();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => (idle = resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
        ]);
      }
      server.server.closeAllConnections();
      await closed;
    },
  };
}
