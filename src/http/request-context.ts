import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '../logging.js';

/** The request-scoped logger (it carries the request id), for code running inside a bot turn. */
const requestLogger = new AsyncLocalStorage<Logger>();

export function withRequestLogger<T>(logger: Logger, work: () => Promise<T>): Promise<T> {
  return requestLogger.run(logger, work);
}

export function currentLogger(fallback: Logger): Logger {
  return requestLogger.getStore() ?? fallback;
}
