import { randomUUID } from 'node:crypto';

export interface DirectLineActivity {
  id: string;
  type: string;
  text?: string;
  from: { id: string; role?: string };
  channelData?: { clientActivityID?: string };
  replyToId?: string;
}

/** Speaks Carepoint's local Direct Line over HTTP the way Web Chat's polling client does. */
export class DirectLineClient {
  token = '';
  conversationId = '';
  watermark = '';

  /** `headers` go on every request (a test's X-Forwarded-For, as a trusted proxy would write it). */
  constructor(
    private readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  /** POST /api/webchat/token, then POST /v3/directline/conversations. */
  async start(): Promise<{ status: number }> {
    const session = (await (await fetch(`${this.baseUrl}/api/webchat/token`, { method: 'POST', headers: this.headers })).json()) as { token: string; domain: string };
    this.token = session.token;
    const response = await this.call('POST', '/v3/directline/conversations', { user: {} });
    const body = (await response.json()) as { conversationId: string; token: string };
    this.conversationId = body.conversationId;
    this.token = body.token;
    return { status: response.status };
  }

  call(method: string, path: string, body?: unknown, token: string | null = this.token): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...this.headers,
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** Posts a message as Web Chat does; returns the id Direct Line gave it. */
  async post(text: string, extra: Record<string, unknown> = {}): Promise<string> {
    const response = await this.call('POST', `/v3/directline/conversations/${this.conversationId}/activities`, {
      type: 'message',
      text,
      from: { id: 'r_webchat_made_up', role: 'user' },
      channelData: { clientActivityID: randomUUID() },
      ...extra,
    });
    if (response.status !== 200) throw new Error(`post answered ${response.status}: ${await response.text()}`);
    return ((await response.json()) as { id: string }).id;
  }

  /** One poll from the current watermark. */
  async poll(): Promise<DirectLineActivity[]> {
    const response = await this.call('GET', `/v3/directline/conversations/${this.conversationId}/activities?watermark=${this.watermark}`);
    if (response.status !== 200) throw new Error(`poll answered ${response.status}`);
    const body = (await response.json()) as { activities: DirectLineActivity[]; watermark: string };
    this.watermark = body.watermark;
    return body.activities;
  }

  /** Polls until nothing new comes back. */
  async pollAll(): Promise<DirectLineActivity[]> {
    const all: DirectLineActivity[] = [];
    for (;;) {
      const page = await this.poll();
      if (page.length === 0) return all;
      all.push(...page);
    }
  }
}
