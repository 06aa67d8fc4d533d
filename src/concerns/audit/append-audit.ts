import { storableJson } from '../../db/storable.js';
import type { Queryable } from '../../db/database.js';
import type { Actor } from '../actor.js';

export const AUDIT_ACTIONS = [
  'view', 'claim', 'release', 'note', 'reply', 'resolve', 'reopen', 'not-an-emergency', 'link', 'sign-in', 'sign-out', 'hand-back',
  // the on-call rota saved from the console (src/console/rota-page-route.ts)
  'rota-change',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  actor: Actor;
  action: AuditAction;
  concernId?: string | null;
  /** Where the request came from: the client's address. */
  source?: string | null;
  detail?: Record<string, unknown>;
}

/** Appends one line to the audit log (migration 023: it can only ever be appended to). */
export async function appendAudit(db: Queryable, entry: AuditEntry): Promise<void> {
  await db.query(
    `insert into audit_log (actor_id, actor_name, action, concern_id, source, detail) values ($1, $2, $3, $4, $5, $6::jsonb)`,
    [entry.actor.id, entry.actor.name, entry.action, entry.concernId ?? null, entry.source ?? null, storableJson(entry.detail ?? {})],
  );
}
