import type { Clock } from '../../clock.js';
import type { Queryable } from '../../db/database.js';

/** How a delivery came to hold a MessageSid's claim. */
export type InboundClaim = 'first' | 'taken-over';

/**
 * Claims a Twilio MessageSid for processing. Exactly one delivery of a given sid gets a claim, also when
 * several arrive at once: the primary key decides, on PGlite and on a PostgreSQL server alike.
 *
 * A claim is a lease: a delivery whose process died mid-turn leaves the sid claimed with no reply, and a
 * later delivery takes it over once the claim is older than `leaseMs` (one UPDATE, so again exactly one
 * delivery wins). A live turn has stored its reply long before: the webhook answers by the reply deadline.
 * Undefined: another delivery holds the claim, or has answered.
 */
export async function claimInboundSms(
  db: Queryable,
  clock: Clock,
  input: { messageSid: string; conversationId: string; leaseMs: number },
): Promise<InboundClaim | undefined> {
  const { rows } = await db.query(
    `insert into sms_inbound (message_sid, conversation_id, received_at, claimed_at) values ($1, $2, $3, now())
     on conflict (message_sid) do nothing returning message_sid`,
    [input.messageSid, input.conversationId, clock.now()],
  );
  if (rows.length > 0) return 'first';
  // The lease runs on the database's clock, so instances whose clocks differ agree on when it ends.
  const taken = await db.query(
    `update sms_inbound set claimed_at = now()
     where message_sid = $1 and twiml is null and claimed_at < now() - make_interval(secs => $2::double precision / 1000)
     returning message_sid`,
    [input.messageSid, input.leaseMs],
  );
  return taken.rows.length > 0 ? 'taken-over' : undefined;
}

/** Keeps the reply given to a sid, so a repeated delivery gets the same one. */
export async function storeInboundReply(db: Queryable, clock: Clock, messageSid: string, twiml: string): Promise<void> {
  await db.query('update sms_inbound set twiml = $2, replied_at = $3 where message_sid = $1', [messageSid, twiml, clock.now()]);
}

export async function storedInboundReply(db: Queryable, messageSid: string): Promise<string | undefined> {
  const { rows } = await db.query<{ twiml: string | null }>('select twiml from sms_inbound where message_sid = $1', [messageSid]);
  return rows[0]?.twiml ?? undefined;
}

/**
 * Waits (bounded, polling) for the first delivery of a sid to store its reply. Undefined when it has not
 * within `timeoutMs`: the first delivery is still running, or its process died mid-turn.
 */
export async function awaitInboundReply(
  db: Queryable,
  messageSid: string,
  options: { timeoutMs: number; pollMs: number },
): Promise<string | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const twiml = await storedInboundReply(db, messageSid);
    if (twiml !== undefined || Date.now() >= deadline) return twiml;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
}
