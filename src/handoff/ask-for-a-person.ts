import type { TurnContext } from 'botbuilder';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logging.js';
import { requesterOf } from '../bot/channel.js';
import type { WantsAPersonTurn } from '../bot/turn-keys.js';
import { recentTranscript } from '../queue/conversation-log.js';
import { concernChanged } from './live-events.js';
import { flagWantsAPerson } from './sql/wants-a-person.js';

/**
 * The person asked for a live person: in their own words ("talk to someone", the handoff middleware), by the
 * choices' "none of these" button, or by "yes" to the offer after an answer we could not give (MainDialog).
 * One path for all three: a concern flagged wants-a-person, with the recent transcript, is committed before the
 * person is told anything about it.
 */
export async function askForAPerson(deps: { db: Database; clock: Clock }, context: TurnContext, log: Logger): Promise<WantsAPersonTurn> {
  const { db, clock } = deps;
  const requester = requesterOf(context);
  const transcript = await recentTranscript(db, requester.conversationId, 20);
  const concern = await db.transaction(async (tx) => {
    const flagged = await flagWantsAPerson(tx, { ...requester, transcript, at: clock.now() });
    await concernChanged(tx, flagged.id);
    return flagged;
  });
  log.info({ event: 'wants-a-person', concernId: concern.id, raised: concern.raised }, 'person asked for a live person');
  return { reference: concern.reference, priority: concern.priority, hasDetails: concern.hasDetails };
}
