import { join } from 'node:path';
import { TurnContext, type Activity } from 'botbuilder';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { webChatActivitiesAfter } from '../../src/channels/webchat/activity-log.js';
import { DirectLineAdapter, LOCAL_WEBCHAT_SERVICE_URL } from '../../src/channels/webchat/direct-line-adapter.js';
import type { Database } from '../../src/db/database.js';
import { openPgliteDatabase } from '../../src/db/pglite-database.js';
import { NotFound } from '../../src/http/errors.js';
import { freshDataDir } from '../support/database-template.js';

describe('DirectLineAdapter', () => {
  let db: Database;
  let adapter: DirectLineAdapter;
  const clock = new ManualClock(new Date('2026-05-01T12:00:00Z'));

  beforeEach(async () => {
    db = await openPgliteDatabase(join(await freshDataDir(), 'pg'));
    adapter = new DirectLineAdapter({ db, clock });
  });
  afterEach(async () => {
    await db.close();
  });

  const log = async (conversationId: string) =>
    (await webChatActivitiesAfter(db, { conversationId, watermark: 0, limit: 100 })).activities as Partial<Activity>[];

  it('runs the middleware and the bot for a message, and stores what the bot says after the echo', async () => {
    const seen: string[] = [];
    adapter.use(async (context, next) => {
      seen.push(`middleware:${context.activity.type}:${context.activity.channelId}`);
      await next();
    });
    await adapter.startConversation('wc-1', 'dl_1', async () => undefined);
    const id = await adapter.receiveMessage('wc-1', 'dl_1', { text: 'hello', clientActivityId: 'c1' }, async (context) => {
      seen.push(`bot:${context.activity.from.id}:${context.activity.id}`);
      await context.sendActivity('hi there');
    });
    expect(seen).toEqual(['middleware:conversationUpdate:webchat', 'middleware:message:webchat', `bot:dl_1:${id}`]);
    const activities = await log('wc-1');
    expect(activities.map((a) => [a.from?.role, a.text])).toEqual([['user', 'hello'], ['bot', 'hi there']]);
    expect(activities[1]).toMatchObject({ replyToId: id, recipient: { id: 'dl_1' }, conversation: { id: 'wc-1' } });
    expect(activities[1]).not.toHaveProperty('serviceUrl');
  });

  it('continues a conversation later (a proactive message from the console)', async () => {
    let reference: Partial<Activity> | undefined;
    await adapter.startConversation('wc-2', 'dl_2', async () => undefined);
    await adapter.receiveMessage('wc-2', 'dl_2', { text: 'hello' }, async (context) => {
      reference = TurnContext.getConversationReference(context.activity) as Partial<Activity>;
    });
    expect(reference).toMatchObject({ channelId: 'webchat', serviceUrl: LOCAL_WEBCHAT_SERVICE_URL });
    await adapter.continueConversationAsync('', reference!, async (context) => {
      await context.sendActivity('A care co-ordinator has replied to your concern CP-ABC123.');
    });
    const last = (await log('wc-2')).at(-1);
    expect(last).toMatchObject({ text: 'A care co-ordinator has replied to your concern CP-ABC123.', from: { role: 'bot' }, recipient: { id: 'dl_2' } });
  });

  it('refuses to send to a conversation that was never started', async () => {
    const context = new TurnContext(adapter, { type: 'message', conversation: { id: 'wc-nope' } } as Partial<Activity>);
    await expect(adapter.sendActivities(context, [{ type: 'message', text: 'x', conversation: { id: 'wc-nope' } as Activity['conversation'] }]))
      .rejects.toThrow(NotFound);
    await expect(adapter.receiveMessage('wc-nope', 'dl_x', { text: 'hello' }, async () => undefined)).rejects.toThrow(NotFound);
  });
});
