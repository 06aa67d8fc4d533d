import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logging.js';
import { requesterOf } from '../bot/channel.js';
import { smsKeywordOf } from '../channels/sms/keywords.js';
import { CONVERSATION_AT_INBOUND, EMERGENCY_DEADLINE, EMERGENCY_HANDLED, START_AFRESH, WANTS_A_PERSON } from '../bot/turn-keys.js';
import { remainingMs, within } from '../deadline.js';
import { currentLogger } from '../http/request-context.js';
import type { ConversationAtInbound } from '../queue/conversation-log.js';
import { endHandoff } from './handoff.js';
import { concernChanged } from './live-events.js';
import { hasHolderRow, lockHolder, takeFreshStart, type Holder } from './sql/holder.js';
import { askForAPerson } from './ask-for-a-person.js';
import { wantsAPerson } from './wants-a-person.js';

export interface HandoffMiddlewareDeps {
  db: Database;
  /** The app's clock: a raised concern's time, as every other concern's. */
  clock: Clock;
  logger: Logger;
}

/**
 * Runs after the emergency screen (src/bot/inbound-middleware.ts), which has already answered a red flag with
 * 999 and raised the item, and recorded the message in the transcript. It decides who answers the message:
 * - a co-ordinator holds the conversation: the message is theirs (an event on the concern, and the console hears
 *   of it); the assistant's dialogs and knowledge answers stay silent;
 * - otherwise the assistant; when the person asks for a live person, a concern flagged `wants-a-person` is
 *   committed first, and the dialogs then tell them what to expect (turn state WANTS_A_PERSON).
 * The decision is taken under the lock on the conversation's holder row, the lock every switch takes, so a
 * message arriving during a hand-back is handled once, by one side.
 */
export class HandoffMiddleware implements Middleware {
  constructor(private readonly deps: HandoffMiddlewareDeps) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    if (context.activity.type !== ActivityTypes.Message) return next();
    const { db, logger } = this.deps;
    const requester = requesterOf(context);
    const text = context.activity.text ?? '';
    const emergency = context.turnState.get(EMERGENCY_HANDLED) !== undefined;
    // Carrier keywords (STOP, START, HELP) are the SMS channel's and must work in every state, handoff too.
    if (requester.channel === 'sms' && smsKeywordOf(text)) return next();
    const routing = this.route(context, requester.conversationId, text, emergency);
    routing.catch(() => undefined); // a late failure after the deadline below has nobody waiting for it
    const log = currentLogger(logger);
    // An emergency turn waits on storage no longer than its deadline: the 999 instruction has gone already,
    // and with storage down nobody can be told who holds the conversation anyway.
    const deadline = context.turnState.get(EMERGENCY_DEADLINE) as number | undefined;
    let routed: Awaited<typeof routing>;
    try {
      routed = await (deadline === undefined ? routing : within(routing, remainingMs(deadline), 'handoff routing'));
    } catch (err) {
      if (!emergency) throw err;
      log.error({ err, event: 'handoff-routing-failed' }, 'could not tell who holds the conversation; the emergency was answered');
      return;
    }
    if (routed) {
      log.info({ event: 'handoff-message', concernId: routed.concernId, emergency }, 'message passed to the co-ordinator');
      return;
    }
    if (!emergency && wantsAPerson(text)) context.turnState.set(WANTS_A_PERSON, await askForAPerson(this.deps, context, log));
    await next();
  }

  /** Who answers: the co-ordinator holding the conversation (returned), or the assistant (undefined). */
  private async route(context: TurnContext, conversationId: string, text: string, emergency: boolean): Promise<Holder | undefined> {
    const { db } = this.deps;
    // Most conversations were never handed over: no row, nothing to lock, the assistant's. The message's record
    // says so on most turns (a handoff that started after this message arrived did not start before it).
    const before = context.turnState.get(CONVERSATION_AT_INBOUND) as ConversationAtInbound | undefined;
    if (!(before ? before.handedOver : await hasHolderRow(db, conversationId))) return undefined;
    return db.transaction(async (tx) => {
      const holder = await lockHolder(tx, conversationId);
      if (holder.heldBy !== 'coordinator' || !holder.concernId) {
        // Back from a handoff: the dialogs start afresh, as after the greeting the person was given.
        if (await takeFreshStart(tx, conversationId)) context.turnState.set(START_AFRESH, true);
        return undefined;
      }
      const { rows } = await tx.query<{ held: boolean }>(
        `select (status = 'claimed' and claimed_until >= now() and claimed_by = $2) as held from concerns where id = $1`,
        [holder.concernId, holder.coordinatorId],
      );
      if (!rows[0]?.held) {
        // The claim ran out (or changed hands) before the lease check came round: the assistant takes over now.
        await endHandoff(tx, holder.concernId, 'lease-expired', null);
        return undefined;
      }
      await tx.query(
        `insert into concern_events (concern_id, kind, data) values ($1, 'patient-message', jsonb_build_object('text', $2::text, 'emergency', $3::boolean))`,
        [holder.concernId, text, emergency],
      );
      await concernChanged(tx, holder.concernId);
      return holder;
    });
  }

}
