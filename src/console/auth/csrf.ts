import type { Request } from 'restify';
import { Forbidden } from '../../http/errors.js';
import { equalSecrets } from './secrets.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function changesState(req: Request): boolean {
  return !SAFE_METHODS.has((req.method ?? 'GET').toUpperCase());
}

/**
 * The synchroniser-token check for a request signed in by the session cookie: the session's CSRF secret must come
 * back in the `x-csrf-token` header (scripts) or the `_csrf` form field (plain HTML forms). A cross-site page
 * can make the browser send the cookie but cannot read the secret.
 */
export function checkCsrf(req: Request, csrfSecret: string): void {
  const body: unknown = req.body;
  const field = body && typeof body === 'object' ? (body as Record<string, unknown>)._csrf : undefined;
  const given = req.header('x-csrf-token') || (typeof field === 'string' ? field : '');
  if (!given) throw new Forbidden('missing CSRF token: reload the page and try again');
  if (!equalSecrets(given, csrfSecret)) throw new Forbidden('wrong CSRF token: reload the page and try again');
}
