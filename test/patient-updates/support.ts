import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/database.js';
import { BotClient } from '../../src/tools/bot-client.js';
import { FakeTwilio } from '../support/fake-twilio.js';
import { SmsPhone } from '../support/sms-phone.js';
import { startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';
import { coordinators, FAST, startLocalConnector } from '../handoff/support.js';

export { eventually } from '../support/sms-phone.js';

/** Wednesday 2 December 2026, 10:00 in London: working hours. */
export const WEDNESDAY_10AM = new Date('2026-12-02T10:00:00Z');

/** A patient on one channel: what they say (and the turn's replies), and what reached them outside a turn. */
export interface Patient {
  /** The conversation's id as Carepoint stores it. */
  stored: string;
  say(text: string): Promise<string>;
  /** Messages Carepoint sent them outside their turns (updates, co-ordinator replies), oldest first. */
  received(): string[];
  /** The buttons under the last message received outside a turn (chat), if any. */
  lastChoices(): string[] | undefined;
}

/**
 * A running Carepoint on a test clock, with the channel a patient uses: a Bot Framework channel whose channel
 * service is a local connector (proactive messages), or SMS through the local Twilio-protocol server.
 */
export interface World {
  app: RunningCarepoint;
  clock: ManualClock;
  db: Database;
  newPatient(): Patient;
  /** Moves the app's clock and the jobs' time on together, then runs what is due (JobRunner.runDue). */
  after(seconds: number): Promise<number>;
  stop(): Promise<void>;
}

export type ChannelName = 'chat' | 'sms';

/**
 * `twilio` (SMS) is shared with other worlds when given, and then not stopped with this one; `dataDir` restarts on
 * the data of a stopped world; `clock` is shared too (a restarted world goes on from the same time).
 */
export async function startWorld(
  channel: ChannelName,
  options: { env?: Record<string, string>; dataDir?: string; clock?: ManualClock; twilio?: FakeTwilio } = {},
): Promise<World> {
  const clock = options.clock ?? new ManualClock(WEDNESDAY_10AM);
  const ownTwilio = channel === 'sms' && !options.twilio ? await new FakeTwilio().start() : undefined;
  const twilio = options.twilio ?? ownTwilio;
  const connector = channel === 'chat' ? await startLocalConnector() : undefined;
  const app = await startCarepoint({ env: { ...twilio?.env(), ...options.env }, dataDir: options.dataDir, overrides: { ...FAST, coordinators, clock } });
  let elapsed = 0;
  let numbers = 0;
  const phonePrefix = String(Math.floor(Math.random() * 900) + 100);
  return {
    app,
    clock,
    db: app.carepoint.db,
    newPatient(): Patient {
      if (twilio) {
        const phone = new SmsPhone(app.url, twilio, `+447911${phonePrefix}${String(numbers++).padStart(3, '0')}`);
        return {
          stored: `sms:${phone.number}`,
          say: (text) => phone.say(text),
          received: () => twilio.messages.filter((m) => m.to === phone.number).map((m) => m.body),
          lastChoices: () => undefined,
        };
      }
      const conversationId = `updates-${randomUUID()}`;
      const client = new BotClient(app.url, { conversationId, userId: `user-${conversationId}` });
      const activities = () => connector!.received.filter((r) => r.conversationId === conversationId && r.activity.type === 'message');
      return {
        stored: `bf:emulator:${conversationId}`,
        say: async (text) => (await client.send(text, { serviceUrl: connector!.url })).map((r) => r.text ?? '').join('\n'),
        received: () => activities().map((r) => r.activity.text ?? ''),
        lastChoices: () => {
          const last = activities().at(-1)?.activity as { suggestedActions?: { actions: { value: string }[] } } | undefined;
          return last?.suggestedActions?.actions.map((a) => a.value);
        },
      };
    },
    async after(seconds) {
      clock.advance(seconds * 1000);
      elapsed += seconds;
      return app.carepoint.jobs.runDue({ asIfSecondsLater: elapsed });
    },
    async stop() {
      await app.stop();
      await ownTwilio?.stop();
      await connector?.stop();
    },
  };
}

export interface EventRow {
  kind: string;
  actor_id: string | null;
  data: Record<string, unknown>;
}

export async function eventsOf(db: Database, concernId: string): Promise<EventRow[]> {
  return (await db.query<EventRow>('select kind, actor_id, data from concern_events where concern_id = $1 order by id', [concernId])).rows;
}

export async function feedbackOf(db: Database, concernId: string) {
  return (await db.query<{ pathway: string | null; channel: string; score: number; comment: string | null }>(
    'select pathway, channel, score, comment from concern_feedback where concern_id = $1', [concernId],
  )).rows[0];
}

export async function requestStateOf(db: Database, concernId: string): Promise<string | undefined> {
  return (await db.query<{ state: string }>('select state from feedback_requests where concern_id = $1', [concernId])).rows[0]?.state;
}

export { coordinators };
