import type { Server } from 'restify';
import { AUDIT_ACTIONS, type AuditAction } from '../concerns/audit/append-audit.js';
import { listAudit, type AuditFilter } from '../concerns/audit/list-audit.js';
import { REFERENCE_PATTERN } from '../concerns/reference.js';
import { concernIdOf, referencesOf } from '../concerns/sql/references.js';
import { startOfLocalDay } from '../concerns/working-hours.js';
import type { Database } from '../db/database.js';
import type { ConsoleAccess } from './console-access.js';
import { auditPageBody, type AuditFilters, type AuditView } from './pages/audit-page.js';
import { readDateInput } from './pages/date-input.js';

export const AUDIT_PAGE_SIZE = 50;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The page's filters as listAudit's (the same function GET /api/audit reads), or the first one that is wrong. */
async function auditFilter(db: Database, f: AuditFilters, timeZone: string): Promise<AuditFilter | { field: keyof AuditFilters; message: string }> {
  if (f.actor && f.actor.length > 200) return { field: 'actor', message: 'Enter a user id of 200 characters or fewer' };
  let concernId: string | undefined;
  if (f.concern) {
    const reference = f.concern.trim().toUpperCase();
    if (UUID.test(f.concern.trim())) concernId = f.concern.trim().toLowerCase();
    else if (REFERENCE_PATTERN.test(reference)) concernId = (await concernIdOf(db, reference)) ?? '00000000-0000-0000-0000-000000000000';
    else return { field: 'concern', message: 'Enter a concern reference such as CP-7F3K2Q' };
  }
  const from = f.from ? startOfLocalDay(f.from, timeZone) : undefined;
  // "To" includes that whole day: up to the start of the next.
  const to = f.to ? startOfLocalDay(new Date(Date.parse(`${f.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10), timeZone) : undefined;
  if (from && to && to <= from) return { field: 'to', message: 'The to date must be the same as or after the from date' };
  return {
    actorId: f.actor || undefined, action: f.action as AuditAction | undefined, concernId, from, to,
    before: f.before && /^\d{1,19}$/.test(f.before) ? f.before : undefined, limit: AUDIT_PAGE_SIZE,
  };
}

/** GET /console/audit: the audit log for Admins, newest first, filtered and paged. */
export function registerAuditPage(server: Server, deps: { access: ConsoleAccess; db: Database; timeZone: string }): void {
  const { access } = deps;
  server.get('/console/audit', access.handle(async (req, res) => {
    const who = await access.page(req, res, 'Admin');
    if (!who) return;
    const query = (req.query ?? {}) as Record<string, unknown>;
    const filters: AuditFilters = {};
    for (const key of ['actor', 'action', 'concern', 'before'] as const) {
      const value = query[key];
      if (typeof value === 'string' && value.trim() !== '') filters[key] = value.trim();
    }
    if (filters.action && !(AUDIT_ACTIONS as readonly string[]).includes(filters.action)) delete filters.action;
    const from = readDateInput(query, 'from', 'From date');
    const to = readDateInput(query, 'to', 'To date');
    filters.from = from.day;
    filters.to = to.day;
    const dateProblem = from.error ? { field: 'from' as const, message: from.error } : to.error ? { field: 'to' as const, message: to.error } : undefined;
    // Problems in the order of the form's fields: who, concern, then the dates.
    const checked = await auditFilter(deps.db, filters, deps.timeZone);
    const filter = 'field' in checked || !dateProblem ? checked : dateProblem;
    const view: AuditView = { lines: [], filters, dates: { from: from.parts, to: to.parts }, references: new Map(), timeZone: deps.timeZone };
    if ('field' in filter) {
      view.problem = filter;
    } else {
      const page = await listAudit(deps.db, filter);
      view.lines = page.lines;
      view.next = page.next;
      view.references = await referencesOf(deps.db, page.lines.flatMap((l) => (l.concernId ? [l.concernId] : [])));
    }
    access.send(res, {
      status: view.problem ? 400 : 200, title: 'Audit log', body: auditPageBody(view), viewer: who.viewer, current: { section: 'audit', exact: true }, wide: true,
    });
  }));
}
