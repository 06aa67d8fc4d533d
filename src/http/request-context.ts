import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '../logging.js';

interface RequestScope {
  logger: Logger;
  /** The conversation the logger already names (with its channel), when the route knew it. */
  conversationId?: string;
}

/** The request-scoped logger (it carries the request id), for code running inside a bot turn. */
const requestScope = new AsyncLocalStorage<RequestScope>();

export function withRequestLogger<T>(logger: Logger, work: () => Promise<T>, conversationId?: string): Promise<T> {
  return requestScope.run({ logger, conversationId }, work);
}

export function currentLogger(fallback: Logger): Logger {
  return requestScope.getStore()?.logger ?? fallback;
}

/** The request's logger if it already names this conversation and its channel: no need for another child. */
export function conversationLogger(conversationId: string): Logger | undefined {
  const scope = requestScope.getStore();
  return scope?.conversationId === conversationId ? scope.logger : undefined;
}

/** A turn's logger: the request's when it names the conversation already, else a child naming it (hashed) and the channel. */
export function turnLogger(
  requester: { conversationId: string; channel: string },
  fallback: Logger,
  hashId: (value: string) => string,
): Logger {
  return conversationLogger(requester.conversationId)
    ?? currentLogger(fallback).child({ conversation: hashId(requester.conversationId), channel: requester.channel });
}
