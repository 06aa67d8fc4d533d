import { randomUUID } from 'node:crypto';

export interface BotReply {
  type: string;
  text?: string;
  suggestedActions?: { actions: { title?: string; value?: unknown }[] };
}

/**
 * Talks to POST /api/messages the way a Bot Framework channel does, with deliveryMode "expectReplies"
 * so the replies come back in the response body. Used by `npm run chat`, the tests and the benchmark.
 */
export class BotClient {
  readonly conversationId: string;
  readonly userId: string;

  constructor(
    private readonly baseUrl: string,
    options: { conversationId?: string; userId?: string; channelId?: string } = {},
  ) {
    this.conversationId = options.conversationId ?? `conv-${randomUUID()}`;
    this.userId = options.userId ?? `user-${randomUUID()}`;
    this.channelId = options.channelId ?? 'emulator';
  }

  private readonly channelId: string;

  async send(text: string, extra: Record<string, unknown> = {}): Promise<BotReply[]> {
    return this.post({ type: 'message', text, ...extra });
  }

  async join(): Promise<BotReply[]> {
    return this.post({ type: 'conversationUpdate', membersAdded: [{ id: this.userId }] });
  }

  /** Sends and returns the reply texts joined, for simple assertions. */
  async say(text: string): Promise<string> {
    const replies = await this.send(text);
    return replies.map((r) => r.text ?? '').join('\n');
  }

  async post(activity: Record<string, unknown>): Promise<BotReply[]> {
    const response = await fetch(`${this.baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: randomUUID(),
        channelId: this.channelId,
        serviceUrl: 'http://127.0.0.1:9',
        from: { id: this.userId, name: 'Patient' },
        recipient: { id: 'carepoint', name: 'Carepoint' },
        conversation: { id: this.conversationId },
        deliveryMode: 'expectReplies',
        timestamp: new Date().toISOString(),
        ...activity,
      }),
    });
    if (response.status !== 200) throw new Error(`POST /api/messages answered ${response.status}: ${await response.text()}`);
    const body = (await response.json()) as { activities?: BotReply[] };
    return body.activities ?? [];
  }
}
