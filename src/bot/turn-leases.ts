import { ActivityTypes, type StatePropertyAccessor, type TurnContext } from 'botbuilder';
import type { Queryable } from '../db/database.js';

/** Kept in conversation state: the inbound message whose turn last saved it. */
export interface LastTurn {
  inbound?: string;
}

/**
 * A delivery whose turn died mid-way (process killed) is processed again, once, when it is delivered again:
 * as SMS does with its claim lease (src/channels/sms/inbound-deliveries.ts), for Bot Framework and web chat.
 *
 * Nothing extra is written on a turn's way: the inbound row's received_at (database clock) is the claim, and
 * the turn's end is the conversation state saved with this message's id in it. A repeated delivery whose id
 * the state does not hold, and whose claim is older than the lease, is taken over by one UPDATE, so exactly
 * one repeated delivery wins, on every instance; a live turn keeps its claim because it is younger.
 */
export class TurnLeases {
  constructor(
    private readonly db: Queryable,
    private readonly lastTurn: StatePropertyAccessor<LastTurn>,
    private readonly leaseMs: number,
  ) {}

  /** Called by the bot before its dialog runs, so that saving the turn's state also says the turn ended. */
  async noteTurn(context: TurnContext): Promise<void> {
    const id = context.activity.id;
    if (context.activity.type !== ActivityTypes.Message || !id) return;
    (await this.lastTurn.get(context, {})).inbound = id;
  }

  /** True when this repeated delivery's first turn never ended and this delivery now holds its claim. */
  async takeOver(context: TurnContext, conversationId: string): Promise<boolean> {
    const id = context.activity.id;
    if (!id) return false;
    const last = await this.lastTurn.get(context, {});
    if (last.inbound === id) return false;
    const { rows } = await this.db.query(
      `update messages set received_at = now()
       where conversation_id = $1 and direction = 'in' and external_id = $2
         and received_at < now() - make_interval(secs => $3::double precision / 1000)
       returning id`,
      [conversationId, id, this.leaseMs],
    );
    return rows.length > 0;
  }
}
