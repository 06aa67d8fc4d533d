import type { Queryable } from '../../../db/database.js';
import { storableJson } from '../../../db/storable.js';

export type AlertKind = 'unclaimed-concern' | 'paging-failing' | 'paging-stalled';

export interface OpenAlert {
  id: string;
  kind: AlertKind;
  subject: string;
  concernId: string | null;
  detail: Record<string, unknown>;
  raisedAt: string;
  finalPagedAt: string | null;
}

/** Opens an alert for (kind, subject) unless one is open: true when this call opened it (a new incident). */
export async function raiseAlert(
  q: Queryable,
  alert: { kind: AlertKind; subject: string; concernId?: string; detail: Record<string, unknown> },
): Promise<boolean> {
  const { rows } = await q.query(
    `insert into oncall_alerts (kind, subject, concern_id, detail) values ($1, $2, $3, $4::jsonb)
     on conflict (kind, subject) where cleared_at is null do nothing returning id`,
    [alert.kind, alert.subject, alert.concernId ?? null, storableJson(alert.detail)],
  );
  return rows.length > 0;
}

/** Closes the open alert for (kind, subject), if any: the condition has passed, and a new one is a new incident. */
export async function clearAlert(q: Queryable, kind: AlertKind, subject: string): Promise<void> {
  await q.query(`update oncall_alerts set cleared_at = now() where kind = $1 and subject = $2 and cleared_at is null`, [kind, subject]);
}

export async function markFinalPaged(q: Queryable, id: string): Promise<void> {
  await q.query('update oncall_alerts set final_paged_at = now() where id = $1', [id]);
}

export async function openAlerts(q: Queryable): Promise<OpenAlert[]> {
  const { rows } = await q.query<{ id: string; kind: AlertKind; subject: string; concern_id: string | null; detail: Record<string, unknown>; raised_at: Date; final_paged_at: Date | null }>(
    `select id::text as id, kind, subject, concern_id, detail, raised_at, final_paged_at from oncall_alerts where cleared_at is null order by raised_at, id`,
  );
  return rows.map((r) => ({
    id: r.id, kind: r.kind, subject: r.subject, concernId: r.concern_id, detail: r.detail,
    raisedAt: new Date(r.raised_at).toISOString(), finalPagedAt: r.final_paged_at ? new Date(r.final_paged_at).toISOString() : null,
  }));
}
