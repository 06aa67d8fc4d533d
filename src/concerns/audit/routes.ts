import type { Server } from 'restify';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { requireRole, type CoordinatorAuthenticator } from '../../http/coordinator-auth.js';
import { route } from '../../http/route.js';
import { parse } from '../inputs.js';
import { AUDIT_ACTIONS } from './append-audit.js';
import { AUDIT_PAGE_MAX, listAudit } from './list-audit.js';

const auditQuery = z.object({
  actor: z.string().max(200).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  concern: z.uuid('concern must be a concern id').optional(),
  from: z.iso.datetime({ offset: true, error: 'from must be an ISO date-time' }).optional(),
  to: z.iso.datetime({ offset: true, error: 'to must be an ISO date-time' }).optional(),
  before: z.string().regex(/^\d{1,19}$/, 'before must be an audit line id').optional(),
  limit: z.coerce.number().int().min(1).max(AUDIT_PAGE_MAX).optional(),
});

/** GET /api/audit: the audit log, newest first, filtered by actor, action, concern and time; Admin only. */
export function registerAuditRoutes(server: Server, deps: { db: Database; auth: CoordinatorAuthenticator }): void {
  server.get('/api/audit', route(async (req) => {
    await requireRole(deps.auth, req, 'Admin');
    const q = parse(auditQuery, req.query);
    const page = await listAudit(deps.db, {
      actorId: q.actor, action: q.action, concernId: q.concern, before: q.before, limit: q.limit,
      from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined,
    });
    return { status: 200, body: { lines: page.lines, ...(page.next ? { next: page.next } : {}) } };
  }));
}
