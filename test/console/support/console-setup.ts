import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { recordEmergency, submitConcern, type QueueItem } from '../../../src/concerns/concern-queue.js';
import type { ConcernDetails } from '../../../src/concerns/model.js';
import type { Priority } from '../../../src/concerns/priority.js';
import type { Overrides } from '../../../src/compose.js';
import { SESSION_COOKIE } from '../../../src/console/auth/session-authenticator.js';
import { recordInbound, recordOutbound } from '../../../src/queue/conversation-log.js';
import { FakeEntra, TestBrowser } from '../../support/fake-entra.js';
import { freePort } from '../../support/server-process.js';
import { startCarepoint, type RunningCarepoint } from '../../support/start-carepoint.js';

/** Everyone the console tests sign in as, with their Entra ID app roles. */
export const ACCOUNTS = {
  alice: ['Coordinator', 'Admin'],
  bob: ['Coordinator'],
  carol: ['ContentEditor'],
  ada: ['Admin'],
};

export interface ConsoleEnv {
  entra: FakeEntra;
  carepoint: RunningCarepoint;
  base: string;
}

/** FakeEntra and a Carepoint signed in to through it, for one test file: started before its tests, stopped after. */
export function useConsole(options: { overrides?: Overrides; env?: Record<string, string> } = {}): ConsoleEnv {
  const env = { entra: new FakeEntra(ACCOUNTS) } as ConsoleEnv;
  beforeAll(async () => {
    const port = await freePort();
    env.base = `http://127.0.0.1:${port}`;
    await env.entra.start(env.base);
    env.carepoint = await startCarepoint({
      env: {
        PORT: String(port), PUBLIC_BASE_URL: env.base, ENTRA_CLIENT_ID: env.entra.clientId, ENTRA_CLIENT_SECRET: env.entra.clientSecret,
        ENTRA_AUTHORITY: env.entra.issuer, SESSION_SECRET: 'console-pages-test-session-secret-0123456789',
        ...options.env,
      },
      overrides: { entraFetch: env.entra.fetch, ...options.overrides },
    });
  });
  afterAll(async () => {
    await env.carepoint?.stop();
    await env.entra.stop();
  });
  return env;
}

export interface SignedInClient {
  browser: TestBrowser;
  /** The session's CSRF token, read off a page as a browser would. */
  csrf: string;
  cookie: string;
  get: (path: string) => Promise<{ status: number; html: string; location: string | null }>;
  post: (path: string, form: Record<string, string>) => Promise<{ status: number; html: string; location: string | null }>;
}

/** Signs `login` in through the code flow, as the browser tests' user would (HTTP only, no page rendering). */
export async function signIn(env: ConsoleEnv, login: keyof typeof ACCOUNTS): Promise<SignedInClient> {
  const browser = new TestBrowser(env.entra);
  const end = await browser.signIn(env.base, login);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await end.response.text())![1]!;
  const answer = async (response: Response) => ({ status: response.status, html: await response.text(), location: response.headers.get('location') });
  return {
    browser,
    csrf,
    cookie: browser.cookie(env.base, SESSION_COOKIE)!,
    get: async (path) => answer(await browser.request(env.base + path)),
    post: async (path, form) => answer(await browser.request(env.base + path, { form })),
  };
}

export const DETAILS: ConcernDetails = {
  subject: 'self', name: 'Ada Lovelace', dateOfBirth: '1950-01-31', pathway: 'kidney', kind: 'medication',
  description: 'My tablets have not arrived this month.', urgency: 'today', contactMethod: 'text-message',
  phone: '+447700900123', contactTime: 'any-time', consentToShare: true,
};

/** A concern as the concern dialog commits one, with a message in and out on its conversation. */
export async function raiseConcern(env: ConsoleEnv, options: { priority?: Priority; details?: Partial<ConcernDetails>; requesterKey?: string } = {}): Promise<QueueItem> {
  const db = env.carepoint.carepoint.db;
  const conversationId = `bf:test:${randomUUID()}`;
  const requesterKey = options.requesterKey ?? `bf:test:${randomUUID()}`;
  await recordInbound(db, systemClock, { conversationId, channel: 'chat', requesterKey, externalId: randomUUID(), text: 'My tablets have not come' });
  await recordOutbound(db, systemClock, conversationId, ['Thank you. A co-ordinator will see this.']);
  return submitConcern(db, systemClock, {
    channel: 'chat', conversationId, requesterKey, submissionId: randomUUID(), priority: options.priority ?? 'urgent',
    details: { ...DETAILS, ...options.details }, summary: `Medicines - Kidney - Patient: ${options.details?.description ?? DETAILS.description}`, transcript: [],
  });
}

export async function raiseEmergency(env: ConsoleEnv): Promise<QueueItem> {
  const { item } = await recordEmergency(env.carepoint.carepoint.db, systemClock, {
    channel: 'chat', conversationId: `bf:test:${randomUUID()}`, requesterKey: `bf:test:${randomUUID()}`, flags: ['chest-pain'], advice: '999',
    entry: { direction: 'in', text: 'crushing chest pain', at: new Date().toISOString() },
  });
  return item;
}
