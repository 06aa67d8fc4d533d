import { z } from 'zod';
import { LOCAL_DIRECT_LINE_PATH } from './direct-line-routes.js';
import { newConversationId, newUserId, type WebChatTokens } from './webchat-token.js';

/** What the chat page needs to open Direct Line: a short-lived token and where to use it. */
export interface ChatSession {
  token: string;
  /** Direct Line base for Web Chat's `domain` option; relative means this server. */
  domain: string;
  expiresIn: number;
}

/** Where the page's Direct Line token comes from. */
export interface WebChatTokenSource {
  newSession(): Promise<ChatSession>;
}

/** No Azure: Carepoint is the Direct Line service, and signs its own tokens. */
export class LocalTokenSource implements WebChatTokenSource {
  constructor(private readonly tokens: WebChatTokens) {}

  async newSession(): Promise<ChatSession> {
    const { token, expiresIn } = this.tokens.issue({ conversationId: newConversationId(), userId: newUserId() });
    return { token, domain: LOCAL_DIRECT_LINE_PATH, expiresIn };
  }
}

/** The upstream Direct Line service refused or failed; the page is told the chat is unavailable. */
export class DirectLineUnavailable extends Error {
  constructor(readonly reason: string) {
    super(`Direct Line token exchange failed: ${reason}`);
    this.name = 'DirectLineUnavailable';
  }
}

const generatedTokenSchema = z.object({
  conversationId: z.string().min(1),
  token: z.string().min(1),
  expires_in: z.number().int().positive(),
});

export const AZURE_DIRECT_LINE_BASE_URL = 'https://directline.botframework.com';

/**
 * Azure Bot Service: exchanges the Direct Line secret (server-side only) for a token bound to a new
 * conversation and a `dl_` user id, as Microsoft recommends for Web Chat. The secret never leaves this process.
 */
export class AzureTokenSource implements WebChatTokenSource {
  private readonly base: string;

  constructor(
    private readonly secret: string,
    baseUrl: string = AZURE_DIRECT_LINE_BASE_URL,
    private readonly timeoutMs = 10_000,
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  /** The Direct Line origin the browser talks to (for the page's Content-Security-Policy). */
  get origin(): string {
    return new URL(this.base).origin;
  }

  async newSession(): Promise<ChatSession> {
    let response: Response;
    try {
      response = await fetch(`${this.base}${LOCAL_DIRECT_LINE_PATH}/tokens/generate`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.secret}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ user: { id: newUserId() } }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new DirectLineUnavailable(error instanceof Error ? error.name : 'network error');
    }
    if (!response.ok) throw new DirectLineUnavailable(`HTTP ${response.status}`);
    const parsed = generatedTokenSchema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new DirectLineUnavailable('unexpected response');
    return { token: parsed.data.token, domain: `${this.base}${LOCAL_DIRECT_LINE_PATH}`, expiresIn: parsed.data.expires_in };
  }
}
