import type { Queryable } from '../../db/database.js';
import type { AuditAction } from './append-audit.js';

export const AUDIT_PAGE_MAX = 500;

export interface AuditFilter {
  actorId?: string;
  action?: AuditAction;
  concernId?: string;
  from?: Date;
  to?: Date;
  /** Continue after this id (newest first: lines with smaller ids). */
  before?: string;
  limit?: number;
}

export interface AuditLine {
  id: string;
  at: string;
  actor: { id: string; name: string };
  action: AuditAction;
  concernId: string | null;
  source: string | null;
  detail: Record<string, unknown>;
}

/** The audit log, newest first, narrowed by any of the filters; `next` continues it while there is more. */
export async function listAudit(db: Queryable, filter: AuditFilter = {}): Promise<{ lines: AuditLine[]; next?: string }> {
  const limit = Math.min(Math.max(filter.limit ?? 100, 1), AUDIT_PAGE_MAX);
  const { rows } = await db.query<{
    id: string; at: Date | string; actor_id: string; actor_name: string; action: AuditAction; concern_id: string | null;
    source: string | null; detail: Record<string, unknown>;
  }>(
    `select id, at, actor_id, actor_name, action, concern_id, source, detail from audit_log
     where ($1::text is null or actor_id = $1) and ($2::text is null or action = $2) and ($3::uuid is null or concern_id = $3)
       and ($4::timestamptz is null or at >= $4) and ($5::timestamptz is null or at < $5) and ($6::bigint is null or id < $6)
     order by id desc limit $7`,
    [filter.actorId ?? null, filter.action ?? null, filter.concernId ?? null, filter.from ?? null, filter.to ?? null,
      filter.before ?? null, limit + 1],
  );
  const lines = rows.slice(0, limit).map((r) => ({
    id: String(r.id), at: new Date(r.at).toISOString(), actor: { id: r.actor_id, name: r.actor_name }, action: r.action,
    concernId: r.concern_id, source: r.source, detail: r.detail,
  }));
  return { lines, ...(rows.length > limit ? { next: lines.at(-1)!.id } : {}) };
}
