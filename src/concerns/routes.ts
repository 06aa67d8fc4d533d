import type { Request, Server } from 'restify';
import type { Database } from '../db/database.js';
import { requireRole, type CoordinatorAuthenticator } from '../http/coordinator-auth.js';
import { Invalid } from '../http/errors.js';
import { route } from '../http/route.js';
import { ConcernActions, type ActedBy } from './actions.js';
import { idParam, linkBody, parse, queueQuery, reasonBody, resolveBody, textBody } from './inputs.js';
import { decodeCursor, encodeCursor } from './queue-cursor.js';

export interface ConcernRouteDeps {
  db: Database;
  auth: CoordinatorAuthenticator;
  /** CLAIM_LEASE_MINUTES. */
  leaseMinutes: number;
  /** The client's address, for the audit log's "from where". */
  addressOf: (req: Request) => string | undefined;
  /** The operations themselves, shared with the console's forms; made here when not given. */
  actions?: ConcernActions;
}

/**
 * The concerns API for co-ordinators: the queue, one concern in full, and every change to it. Each change and each
 * view is written to the audit log in the same transaction as the change itself (src/concerns/actions.ts).
 */
export function registerConcernRoutes(server: Server, deps: ConcernRouteDeps): void {
  const actions = deps.actions ?? new ConcernActions(deps.db, deps.leaseMinutes);
  /** The signed-in co-ordinator (Coordinator role) and where the request came from. */
  const actedBy = async (req: Request): Promise<ActedBy> => ({
    actor: await requireRole(deps.auth, req, 'Coordinator'),
    source: deps.addressOf(req) ?? null,
  });
  const idOf = (req: Request) => parse(idParam, req.params?.id);

  server.get('/api/queue', route(async (req) => {
    const { actor } = await actedBy(req);
    const query = parse(queueQuery, req.query);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !after) throw new Invalid('cursor: not a queue cursor');
    const filter = { status: query.status, priority: query.priority, pathway: query.pathway, claimedBy: query.mine === 'true' ? actor.id : undefined };
    const page = await actions.queue({ after, limit: query.limit, filter });
    return { status: 200, body: { items: page.items, ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}), counts: page.counts } };
  }));

  server.get('/api/queue/:id', route(async (req) => {
    const by = await actedBy(req);
    return { status: 200, body: await actions.view(by, idOf(req)) };
  }));

  server.post('/api/queue/:id/claim', route(async (req) => {
    const by = await actedBy(req);
    return { status: 200, body: await actions.claim(by, idOf(req)) };
  }));

  server.post('/api/queue/:id/release', route(async (req) => {
    const by = await actedBy(req);
    return { status: 200, body: await actions.release(by, idOf(req)) };
  }));

  server.post('/api/queue/:id/note', route(async (req) => {
    const by = await actedBy(req);
    const id = idOf(req);
    const body = parse(textBody, req.body);
    return { status: 201, body: await actions.note(by, id, body.text) };
  }));

  server.post('/api/queue/:id/reply', route(async (req) => {
    const by = await actedBy(req);
    const id = idOf(req);
    const body = parse(textBody, req.body);
    return { status: 202, body: await actions.reply(by, id, body.text) };
  }));

  server.post('/api/queue/:id/resolve', route(async (req) => {
    const by = await actedBy(req);
    const id = idOf(req);
    const body = parse(resolveBody, req.body);
    return { status: 200, body: await actions.resolve(by, id, body) };
  }));

  server.post('/api/queue/:id/reopen', route(async (req) => {
    const by = await actedBy(req);
    return { status: 200, body: await actions.reopen(by, idOf(req)) };
  }));

  server.post('/api/queue/:id/not-an-emergency', route(async (req) => {
    const by = await actedBy(req);
    const id = idOf(req);
    const body = parse(reasonBody, req.body);
    return { status: 200, body: await actions.notAnEmergency(by, id, body.reason) };
  }));

  server.post('/api/queue/:id/link', route(async (req) => {
    const by = await actedBy(req);
    const id = idOf(req);
    const body = parse(linkBody, req.body);
    return { status: 200, body: await actions.link(by, id, body.patientId) };
  }));

  // POST /api/queue/:id/hand-back: the live conversation goes back to the assistant (src/handoff).
  server.post('/api/queue/:id/hand-back', route(async (req) => {
    const by = await actedBy(req);
    return { status: 200, body: await actions.handBack(by, idOf(req)) };
  }));
}
