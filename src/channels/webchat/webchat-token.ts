import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { Forbidden, Unauthorized } from '../../http/errors.js';

/** Who a token lets in, and to which conversation. */
export interface WebChatClaims {
  conversationId: string;
  userId: string;
}

export interface IssuedToken {
  token: string;
  /** Seconds until the token expires (Direct Line's `expires_in`). */
  expiresIn: number;
}

/** Direct Line's own token lifetime; Web Chat refreshes every 15 minutes. */
export const TOKEN_LIFETIME_SECONDS = 30 * 60;

const VERSION = 'cpwc1';

/**
 * Short-lived bearer tokens for the local Direct Line transport: `cpwc1.<claims>.<HMAC-SHA256>`, bound to
 * one conversation and one user. The key is configured (WEBCHAT_TOKEN_SECRET, shared by every instance) or
 * random per process (tokens then die with the process).
 */
export class WebChatTokens {
  private readonly key: Buffer;

  constructor(
    secret: string | undefined,
    private readonly clock: Clock,
    private readonly lifetimeSeconds = TOKEN_LIFETIME_SECONDS,
  ) {
    this.key = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
  }

  issue(claims: WebChatClaims): IssuedToken {
    const exp = Math.floor(this.clock.now().getTime() / 1000) + this.lifetimeSeconds;
    const payload = Buffer.from(JSON.stringify({ c: claims.conversationId, u: claims.userId, exp })).toString('base64url');
    return { token: `${VERSION}.${payload}.${this.sign(payload)}`, expiresIn: this.lifetimeSeconds };
  }

  /** The token's claims. Unauthorized when it is not one of ours; Forbidden when it has expired. */
  verify(token: string): WebChatClaims {
    const [version, payload, signature, ...rest] = token.split('.');
    if (version !== VERSION || !payload || !signature || rest.length > 0) throw new Unauthorized('invalid token');
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Unauthorized('invalid token');
    const claims = parseClaims(payload);
    if (!claims) throw new Unauthorized('invalid token');
    // Direct Line answers 403 for an expired token; Web Chat's client relies on that.
    if (claims.exp * 1000 <= this.clock.now().getTime()) throw new Forbidden('token expired');
    return { conversationId: claims.c, userId: claims.u };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(`${VERSION}.${payload}`).digest('base64url');
  }
}

function parseClaims(payload: string): { c: string; u: string; exp: number } | undefined {
  try {
    const value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof value.c === 'string' && typeof value.u === 'string' && typeof value.exp === 'number') {
      return { c: value.c, u: value.u, exp: value.exp };
    }
  } catch {
    // fall through: not a token we issued
  }
  return undefined;
}

/** `Authorization: Bearer <token>` → the token, or Unauthorized. */
export function bearerToken(header: string | undefined): string {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!match) throw new Unauthorized('a Direct Line token is required');
  return match[1]!;
}

/** A fresh conversation id, safe in a URL path. */
export function newConversationId(): string {
  return `wc-${randomBytes(15).toString('base64url')}`;
}

/** Direct Line user ids start with `dl_` (Azure insists on it for tokens it generates). */
export function newUserId(): string {
  return `dl_${randomBytes(15).toString('base64url')}`;
}
