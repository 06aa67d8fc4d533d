import type { Request, Response } from 'restify';

export interface CookieOptions {
  /** Secure when PUBLIC_BASE_URL is https. */
  secure: boolean;
  /** Seconds; 0 removes the cookie. Unset: a browser-session cookie. */
  maxAgeSeconds?: number;
  path?: string;
}

/** One cookie from the request's Cookie header. */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Adds a Set-Cookie header (HttpOnly, SameSite=Lax), keeping any already set on the response. */
export function setCookie(res: Response, name: string, value: string, options: CookieOptions): void {
  const attributes = [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${options.path ?? '/'}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(options.secure ? ['Secure'] : []),
    ...(options.maxAgeSeconds !== undefined ? [`Max-Age=${options.maxAgeSeconds}`] : []),
  ];
  const existing = res.getHeader('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
  res.setHeader('set-cookie', [...list, attributes.join('; ')]);
}
