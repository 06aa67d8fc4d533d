import restify, { type Request, type Server } from 'restify';
import type { Logger } from '../logging.js';

export interface HttpServer {
  server: Server;
  /** Stops taking requests, waits for those in flight (up to `graceMs`), then resolves. */
  drain(graceMs?: number): Promise<void>;
}

export type LoggedRequest = Request & { carepointLog: Logger };

/** restify with body parsing, a request-scoped logger (request id on every line) and drain support. */
export function createHttpServer(logger: Logger): HttpServer {
  const server = restify.createServer({ name: 'carepoint', handleUncaughtExceptions: false });
  let inFlight = 0;
  let idle: (() => void) | undefined;

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
  server.use(restify.plugins.queryParser({ mapParams: false }));
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: 256 * 1024 }));

  return {
    server,
    async drain(graceMs = 10_000) {
      const closed = new Promise<void>((resolve) => server.server.close(() => resolve()));
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
