import type { Activity } from 'botbuilder';
import type { Queryable } from '../../db/database.js';
import { storableJson } from '../../db/storable.js';

/**
 * The web chat activity log (migration 003_webchat.sql): what a browser polling Direct Line reads.
 * One function per operation, the database passed in.
 */

/** Records a conversation started from the chat page. True when it is new. */
export async function startWebChatConversation(
  db: Queryable,
  input: { id: string; userId: string; at: Date },
): Promise<boolean> {
  const { rows } = await db.query(
    `insert into webchat_conversations (id, user_id, created_at) values ($1, $2, $3)
     on conflict (id) do nothing returning id`,
    [input.id, input.userId, input.at],
  );
  return rows.length > 0;
}

export async function webChatConversationExists(db: Queryable, id: string): Promise<boolean> {
  const { rows } = await db.query('select 1 from webchat_conversations where id = $1', [id]);
  return rows.length > 0;
}

export type AppendResult =
  | { outcome: 'appended'; id: string; seq: number }
  | { outcome: 'duplicate'; id: string }
  | { outcome: 'no-conversation' };

/**
 * Appends an activity and gives it its Direct Line id (`<conversation>|0000042`). The counter bump and the
 * insert are one statement, so the conversation row stays locked until the insert commits: seqs become
 * visible in order, and a poller holding watermark N never skips an N-1 committed late by another instance.
 * With `clientActivityId`, a second post of the same message returns the first one's id instead.
 */
export async function appendWebChatActivity(
  db: Queryable,
  input: { conversationId: string; activity: Partial<Activity>; clientActivityId?: string; at: Date },
): Promise<AppendResult> {
  const { rows } = await db.query<{ seq: number; id: string }>(
    `with next as (
       update webchat_conversations set last_seq = last_seq + 1 where id = $1 returning last_seq
     )
     insert into webchat_activities (conversation_id, seq, client_activity_id, activity, created_at)
     select $1, next.last_seq, $3,
            $2::jsonb || jsonb_build_object('id', $1 || '|' || lpad(next.last_seq::text, 7, '0')), $4
     from next
     on conflict (conversation_id, client_activity_id) where client_activity_id is not null do nothing
     returning seq, activity->>'id' as id`,
    [input.conversationId, storableJson(input.activity), input.clientActivityId ?? null, input.at],
  );
  const row = rows[0];
  if (row) return { outcome: 'appended', id: row.id, seq: Number(row.seq) };
  if (input.clientActivityId) {
    const earlier = await db.query<{ id: string }>(
      `select activity->>'id' as id from webchat_activities where conversation_id = $1 and client_activity_id = $2`,
      [input.conversationId, input.clientActivityId],
    );
    if (earlier.rows[0]) return { outcome: 'duplicate', id: earlier.rows[0].id };
  }
  return { outcome: 'no-conversation' };
}

/** Up to `limit` activities after the watermark, oldest first, with the watermark to ask from next. */
export async function webChatActivitiesAfter(
  db: Queryable,
  input: { conversationId: string; watermark: number; limit: number },
): Promise<{ activities: Partial<Activity>[]; watermark: number }> {
  const { rows } = await db.query<{ seq: number; activity: Partial<Activity> }>(
    `select seq, activity from webchat_activities where conversation_id = $1 and seq > $2 order by seq limit $3`,
    [input.conversationId, input.watermark, input.limit],
  );
  const last = rows.at(-1);
  return { activities: rows.map((r) => r.activity), watermark: last ? Number(last.seq) : input.watermark };
}

/**
 * The browser asked for activities after `watermark`: it holds everything up to there, as far as it was handed
 * it (a client asking from further on holds nothing more). Kept as the conversation's `fetched_seq`; migration
 * 033's trigger then marks the co-ordinator replies among them delivered. Most polls change nothing, and write nothing.
 */
export async function recordWebChatFetched(db: Queryable, input: { conversationId: string; watermark: number }): Promise<void> {
  if (input.watermark <= 0) return;
  await db.query(
    `update webchat_conversations set fetched_seq = least($2::integer, handed_seq)
     where id = $1 and fetched_seq < least($2::integer, handed_seq)`,
    [input.conversationId, input.watermark],
  );
}

/** A poll's answer handed the browser activities up to `seq` (written only when that is further than before). */
export async function recordWebChatHanded(db: Queryable, input: { conversationId: string; seq: number }): Promise<void> {
  await db.query('update webchat_conversations set handed_seq = $2 where id = $1 and handed_seq < $2', [input.conversationId, input.seq]);
}
