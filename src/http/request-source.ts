import { AsyncLocalStorage } from 'node:async_hooks';
import type { Request } from 'restify';
import { isLoopbackHost } from '../config.js';
import { clientAddress, clientKey, type TrustedProxies } from './client-address.js';

/**
 * Where requests come from, as per-source limits and the queue's fairness see it: the client's address
 * (believing X-Forwarded-For only from TRUSTED_PROXIES), IPv6 by /64, as a keyed hash, so that no address is
 * stored in clear. LOG_HASH_SECRET keys it: set the same on every instance for limits to be shared.
 */
export class RequestSources {
  constructor(
    private readonly proxies: TrustedProxies,
    private readonly hashId: (value: string) => string,
  ) {}

  readonly keyOf = (req: Request): string => `net:${this.hashId(`net:${clientKey(clientAddress(req, this.proxies))}`)}`;

  /** The client's address itself, for the audit log's "from where" (staff actions, not patients'). */
  readonly addressOf = (req: Request): string | undefined => clientAddress(req, this.proxies);

  /** The client is this machine itself (not a client a trusted proxy named): the operator's own tools. */
  readonly isThisMachine = (req: Request): boolean => isLoopbackHost(clientAddress(req, this.proxies) ?? '');
}

/** The source of the request a bot turn is running for, so that what the turn stores can name it. */
const requestSource = new AsyncLocalStorage<string>();

export function withRequestSource<T>(source: string, work: () => Promise<T>): Promise<T> {
  return requestSource.run(source, work);
}

export function currentRequestSource(): string | undefined {
  return requestSource.getStore();
}
