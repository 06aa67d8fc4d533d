import type { Queryable } from '../../../db/database.js';
import { storableText } from '../../../db/storable.js';
import type { PageRole } from '../chain.js';

export type PageStatus = 'sending' | 'sent' | 'failed';

/**
 * Notes that a step is being sent, once: the row's key is the step. Returns the status already recorded when
 * the step was started before (a run that crashed): 'sent' means Twilio took it, and it is not sent again.
 */
export async function beginPage(
  q: Queryable,
  page: { concernId: string; round: number; step: number; role: PageRole; personId: string },
): Promise<PageStatus | undefined> {
  const { rows } = await q.query<{ status: PageStatus; inserted: boolean }>(
    `with inserted as (
       insert into staff_pages (concern_id, round, step, role, person_id) values ($1, $2, $3, $4, $5)
       on conflict (concern_id, round, step) do nothing returning status
     )
     select status, true as inserted from inserted
     union all select status, false from staff_pages where concern_id = $1 and round = $2 and step = $3 and not exists (select 1 from inserted)`,
    [page.concernId, page.round, page.step, page.role, page.personId],
  );
  const row = rows[0]!;
  return row.inserted ? undefined : row.status;
}

/** What Twilio said: sent (with its message sid) or failed (the error, never the number or the text). */
export async function finishPage(
  q: Queryable,
  page: { concernId: string; round: number; step: number },
  outcome: { status: 'sent'; sid: string } | { status: 'failed'; error: string },
): Promise<void> {
  await q.query(
    `update staff_pages set status = $4, twilio_sid = $5, error = $6, updated_at = now()
     where concern_id = $1 and round = $2 and step = $3`,
    [page.concernId, page.round, page.step, outcome.status, outcome.status === 'sent' ? outcome.sid : null,
      outcome.status === 'failed' ? storableText(outcome.error).slice(0, 500) : null],
  );
}
