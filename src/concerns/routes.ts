import type { Request, Server } from 'restify';
import { z } from 'zod';
import type { Database, Queryable } from '../db/database.js';
import { requireRole, type Coordinator, type CoordinatorAuthenticator } from '../http/coordinator-auth.js';
import { Invalid } from '../http/errors.js';
import { route } from '../http/route.js';
import { appendAudit, type AuditAction } from './audit/append-audit.js';
import { OUTCOMES } from './concern-queue.js';
import { PATHWAYS } from './model.js';
import { PRIORITIES } from './priority.js';
import { decodeCursor, encodeCursor } from './queue-cursor.js';
import { countQueue } from './queue-counts.js';
import { listQueuePage, QUEUE_PAGE_MAX } from './queue-page.js';
import { addNote } from './sql/add-note.js';
import { claimConcern } from './sql/claim.js';
import { concernDetail } from './sql/detail.js';
import { expireLeases } from './sql/expire-leases.js';
import { linkPatient } from './sql/link-patient.js';
import { markNotEmergency } from './sql/mark-not-emergency.js';
import { releaseConcern } from './sql/release.js';
import { reopenConcern } from './sql/reopen.js';
import { resolveConcern } from './sql/resolve.js';
import { touchClaim } from './sql/touch-claim.js';
import { endHandoff, handBack, replyToPerson } from '../handoff/handoff.js';
import { handoffView } from '../handoff/view.js';

export interface ConcernRouteDeps {
  db: Database;
  auth: CoordinatorAuthenticator;
  /** CLAIM_LEASE_MINUTES. */
  leaseMinutes: number;
  /** The client's address, for the audit log's "from where". */
  addressOf: (req: Request) => string | undefined;
}

const queueQuery = z.object({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(QUEUE_PAGE_MAX).optional(),
  status: z.enum(['open', 'claimed', 'resolved']).optional(),
  priority: z.enum(PRIORITIES).optional(),
  pathway: z.enum(PATHWAYS).optional(),
  mine: z.enum(['true', 'false']).optional(),
});
const idParam = z.uuid('the id must be a concern id');
const text = z.string({ error: 'text is required' }).trim().min(1, 'text must not be empty').max(5000, 'text must be at most 5000 characters');
const textBody = z.object({ text });
const resolveBody = z.object({
  outcome: z.enum(OUTCOMES, { error: `outcome must be one of: ${OUTCOMES.join(', ')}` }),
  text: text.optional(),
});
const reasonBody = z.object({ reason: z.string({ error: 'reason is required' }).trim().min(1, 'reason must not be empty').max(2000) });
const linkBody = z.object({ patientId: z.uuid('patientId must be a patient id') });

/** Parses with zod; a failure is a 400 that says what is wrong. */
export function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new Invalid(result.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '));
}

/**
 * The concerns API for co-ordinators: the queue, one concern in full, and every change to it. Each change and each
 * view is written to the audit log in the same transaction as the change itself.
 */
export function registerConcernRoutes(server: Server, deps: ConcernRouteDeps): void {
  const { db } = deps;
  const audited = <T>(req: Request, who: Coordinator, action: AuditAction, concernId: string, work: (tx: Queryable) => Promise<T>, detail?: Record<string, unknown>) =>
    db.transaction(async (tx) => {
      const result = await work(tx);
      await appendAudit(tx, { actor: who, action, concernId, source: deps.addressOf(req) ?? null, detail });
      return result;
    });
  const idOf = (req: Request) => parse(idParam, req.params?.id);

  server.get('/api/queue', route(async (req) => {
    const who = await requireRole(deps.auth, req, 'Coordinator');
    const query = parse(queueQuery, req.query);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    if (query.cursor !== undefined && !after) throw new Invalid('cursor: not a queue cursor');
    await expireLeases(db);
    const filter = { status: query.status, priority: query.priority, pathway: query.pathway, claimedBy: query.mine === 'true' ? who.id : undefined };
    const [page, counts] = await Promise.all([listQueuePage(db, { after, limit: query.limit, filter }), countQueue(db)]);
    return { status: 200, body: { items: page.items, ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}), counts } };
  }));

  server.get('/api/queue/:id', route(async (req) => {
    const who = await requireRole(deps.auth, req, 'Coordinator');
    const id = idOf(req);
    const detail = await audited(req, who, 'view', id, async (tx) => {
      const found = await concernDetail(tx, id);
      await touchClaim(tx, id, who.id, deps.leaseMinutes);
      return { ...found, ...(await handoffView(tx, id)) };
    });
    return { status: 200, body: detail };
  }));

  server.post('/api/queue/:id/claim', route(async (req) => {
    const who = await requireRole(deps.auth, req, 'Coordinator');
    const id = idOf(req);
    await expireLeases(db);
    return { status: 200, body: await audited(req, who, 'claim', id, (tx) => claimConcern(tx, id, who, deps.leaseMinutes)) };
  }));

  server.post('/api/queue/:id/release', route(async (req) => {
    const who = await requireRole(deps.auth, req, 'Coordinator');
    const id = idOf(req);
    return { status: 200, body: await audited(req, who, 'release', id, async (tx) => {
      const released = await releaseConcern(tx, id, who);
      await endHandoff(tx, id, 'released', who);
      return released;
    }) };
  }));

  server.post('/api/queue/:id/note', route(async (req) => {
    const who = await requireRole(deps.auth, req, 'Coordinator');
    const id = idOf(req);
    const body = parse(textBody, req.body);
    const note = await audited(req, who, 'note', id, async (tx) => {
      const added = await addNote(tx, id, who, body.text);
      await touchClaim(tx, id, who.id, deps.leaseMinutes);
      return added;
    });
    return { status: 201, body: note };
  }));

  server.post('/api/queue/:id/reply', route(async (req) => {
    const who = await requireRole(deps.auth, req, 'Coordinator');
    const id = idOf(req);
    const body = parse(textBody, req.body);
    const reply = await audited(req, who, 'reply', id, async (tx) => {
      // The first reply starts the live handoff (src/handoff); a delivery job takes it to the person.
      const recorded = await replyToPerson(tx, id, who, body.text, deps.leaseMinutes);
      await touchClaim(tx, id, who.id, deps.leaseMinutes);
      return recorded;
    });
    return { status: 202, body: reply };
  }));

  server.post('/api/queue/:id/resolve', route(async (req) => {
    const who = await requireRole(deps.auth, req, 'Coordinator');
    const id = idOf(req);
    const body = parse(resolveBody, req.body);
    return { status: 200, body: await audited(req, who, 'resolve', id, async (tx) => {
      const resolved = await resolveConcern(tx, id, who, body);
      await endHandoff(tx, id, 'resolved', who);
      return resolved;
    }, { outcome: body.outcome }) };
  }));

  server.post('/api/queue/:id/reopen', route(async (req) => {
    const who = await requireRole(deps.auth, req, 'Coordinator');
    const id = idOf(req);
    return { status: 200, body: await audited(req, who, 'reopen', id, (tx) => reopenConcern(tx, id, who)) };
  }));

  server.post('/api/queue/:id/not-an-emergency', route(async (req) => {
    const who = await requireRole(deps.auth, req, 'Coordinator');
    const id = idOf(req);
    const body = parse(reasonBody, req.body);
    return { status: 200, body: await audited(req, who, 'not-an-emergency', id, (tx) => markNotEmergency(tx, id, who, body.reason)) };
  }));

  server.post('/api/queue/:id/link', route(async (req) => {
    const who = await requireRole(deps.auth, req, 'Coordinator');
    const id = idOf(req);
    const body = parse(linkBody, req.body);
    await audited(req, who, 'link', id, (tx) => linkPatient(tx, id, who, body.patientId), { patientId: body.patientId });
    return { status: 200, body: await concernDetail(db, id) };
  }));

  // POST /api/queue/:id/hand-back: the live conversation goes back to the assistant (src/handoff).
  server.post('/api/queue/:id/hand-back', route(async (req) => {
    const who = await requireRole(deps.auth, req, 'Coordinator');
    const id = idOf(req);
    return { status: 200, body: await audited(req, who, 'hand-back', id, (tx) => handBack(tx, id, who)) };
  }));
}
