import type { Logger } from '../logging.js';
import type { ListenerEvent } from './database.js';

/** One log line per listener event: the error by name and code only (serialiseError), never a payload. */
export function logListenerEvent(logger: Logger, event: ListenerEvent): void {
  switch (event.event) {
    case 'listener-lost':
      logger.warn({ err: event.error, event: event.event }, 'notification listener lost its connection; reconnecting');
      return;
    case 'listener-retry-failed':
      logger.warn({ err: event.error, event: event.event, attempt: event.attempt, retryInMs: event.retryInMs }, 'notification listener could not reconnect yet');
      return;
    case 'listener-restored':
      logger.info({ event: event.event, attempts: event.attempts, channels: event.channels }, 'notification listener reconnected');
      return;
    case 'listener-callback-failed':
      logger.error({ err: event.error, event: event.event, channel: event.channel }, 'a notification listener failed');
      return;
  }
}
