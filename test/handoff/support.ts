import type { Request } from 'restify';
import type { Coordinator, CoordinatorAuthenticator } from '../../src/http/coordinator-auth.js';
import type { Database } from '../../src/db/database.js';
import { closeServer, listenOnLoopback } from '../support/loopback-server.js';
import { DEV_TOKEN } from '../support/start-carepoint.js';

export { eventually } from '../support/sms-phone.js';

/** Timings that keep the job runner and the outbox quick; they still run as in production. */
export const FAST = {
  sms: { outbox: { pollMs: 50, retryBaseMs: 100, retryMaxMs: 400, leaseMs: 60_000 } },
  jobs: { pollMs: 200, retryBaseSeconds: 1, retryMaxSeconds: 2 },
};

/** Co-ordinators by bearer token: "sam" is Sam Jones, "alex" is Alex Brown; the dev token as usual. */
export const coordinators: CoordinatorAuthenticator = {
  async authenticate(req: Request): Promise<Coordinator | null> {
    const token = /^Bearer (.+)$/.exec(req.header('authorization') ?? '')?.[1];
    if (token === DEV_TOKEN) return { id: 'dev-coordinator', name: 'Development co-ordinator', roles: ['Coordinator', 'ContentEditor', 'Admin'], via: 'dev-token' };
    if (token === 'sam') return { id: 'sam', name: 'Sam Jones', roles: ['Coordinator'], via: 'session' };
    if (token === 'alex') return { id: 'alex', name: 'Alex Brown', roles: ['Coordinator'], via: 'session' };
    return null;
  },
};

export interface ApiAnswer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any; // JSON from the API under test
}

/** The co-ordinators' JSON API, as one person. */
export function queueApi(baseUrl: string, as = 'sam') {
  const call = async (method: string, path: string, body?: unknown): Promise<ApiAnswer> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${as}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    call,
    detail: async (id: string) => (await call('GET', `/api/queue/${id}`)).body,
    claim: (id: string) => call('POST', `/api/queue/${id}/claim`),
    reply: (id: string, text: string) => call('POST', `/api/queue/${id}/reply`, { text }),
    handBack: (id: string) => call('POST', `/api/queue/${id}/hand-back`),
    resolve: (id: string) => call('POST', `/api/queue/${id}/resolve`, { outcome: 'advice-given' }),
  };
}

/** The newest concern of a conversation. */
export async function concernOf(db: Database, conversationId: string): Promise<{ id: string; priority: string; details: Record<string, unknown> }> {
  const { rows } = await db.query<{ id: string; priority: string; details: Record<string, unknown> }>(
    'select id, priority, details from concerns where conversation_id = $1 order by created_at desc limit 1',
    [conversationId],
  );
  if (!rows[0]) throw new Error('no concern for the conversation');
  return rows[0];
}

/** Every payload heard on concern_changes from now on (what the console's live page listens to). */
export async function hearConcernChanges(db: Database): Promise<{ heard: string[]; stop: () => Promise<void> }> {
  const heard: string[] = [];
  const stop = await db.listen('concern_changes', (payload) => heard.push(payload));
  return { heard, stop };
}

export interface ConnectorActivity {
  path: string;
  conversationId: string;
  activity: { type?: string; text?: string; replyToId?: string; conversation?: { id?: string } };
}

/**
 * A local Bot Framework channel service (the connector Azure Bot Service runs): it takes replies and proactive
 * messages at POST /v3/conversations/{id}/activities[/{replyToId}], as the connector client sends them.
 * `refuse` maps a conversation id to the status to answer (403: bot removed, 404: conversation gone).
 */
export async function startLocalConnector() {
  const received: ConnectorActivity[] = [];
  const refuse = new Map<string, number>();
  const { server, url } = await listenOnLoopback((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(req.url ?? '');
      const answer = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || !match) return answer(404, { error: { code: 'NotFound' } });
      const conversationId = decodeURIComponent(match[1]!);
      const status = refuse.get(conversationId);
      if (status) return answer(status, { error: { code: status === 403 ? 'BotNotInConversationRoster' : 'ConversationNotFound', message: 'refused' } });
      const activity = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      received.push({ path: req.url!, conversationId, activity });
      answer(200, { id: `activity-${received.length}` });
    });
  });
  return {
    url,
    received,
    refuse,
    texts: (conversationId: string) => received.filter((r) => r.conversationId === conversationId && r.activity.type === 'message').map((r) => r.activity.text ?? ''),
    stop: () => closeServer(server),
  };
}
