import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxForPhone } from '../../../src/channels/sms/outbox.js';
import { SmsAdapter } from '../../../src/channels/sms/sms-adapter.js';
import { systemClock } from '../../../src/clock.js';
import type { Database } from '../../../src/db/database.js';
import { openDatabase } from '../../../src/db/open-database.js';
import { createLogger } from '../../../src/logging.js';
import { freshDataDir } from '../../support/database-template.js';

let db: Database;
const logger = createLogger({ level: 'silent' });

beforeAll(async () => {
  db = await openDatabase({ dataDir: await freshDataDir() });
});
afterAll(async () => {
  await db.close();
});

describe('SmsAdapter', () => {
  it('builds the activity the bot expects from a text', () => {
    const adapter = new SmsAdapter({ db, clock: systemClock, logger, botNumber: '+447700900000', replyDeadlineMs: 1000 });
    const activity = adapter.activityOf({ messageSid: 'SM123456789012', phone: '+447911000001', body: ' hi ', numMedia: 0, patientId: 'p-1' });
    expect(activity).toMatchObject({
      type: 'message', id: 'SM123456789012', channelId: 'sms', text: 'hi',
      conversation: { id: 'sms:+447911000001' }, from: { id: '+447911000001' }, recipient: { id: '+447700900000' },
      channelData: { phone: '+447911000001', requesterKey: 'patient:p-1' },
    });
    expect(adapter.activityOf({ messageSid: 'SM123456789013', phone: '+447911000001', body: 'hi', numMedia: 0 }).channelData)
      .toEqual({ phone: '+447911000001' });
  });

  it('sends proactive messages (continueConversation) through the outbox, in SMS form', async () => {
    const adapter = new SmsAdapter({ db, clock: systemClock, logger, replyDeadlineMs: 1000 });
    await adapter.continueConversation({ conversation: { id: 'sms:+447911000002', isGroup: false, conversationType: '', name: '' } }, async (context) => {
      await context.sendActivity({ type: 'message', text: 'Your **appointment** is confirmed \u2013 see you Monday.', channelData: { purpose: 'status-update' } });
    });
    const [item] = await outboxForPhone(db, '+447911000002');
    expect(item).toMatchObject({ purpose: 'status-update', status: 'pending', body: 'Your appointment is confirmed - see you Monday.', conversationId: 'sms:+447911000002' });
  });

  it('answers by the reply deadline and sends the rest of a slow turn through the outbox', async () => {
    const adapter = new SmsAdapter({ db, clock: systemClock, logger, replyDeadlineMs: 100 });
    const message = { messageSid: 'SM123456789014', phone: '+447911000003', body: 'question', numMedia: 0 };
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const result = await adapter.processInbound(message, async (context) => {
      await context.sendActivity('Let me look that up.');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await context.sendActivity('Here is the answer.');
      finish();
    });
    expect(result.late).toBe(true);
    expect(result.replies.map((r) => r.text)).toEqual(['Let me look that up.']);
    await finished;
    const items = await outboxForPhone(db, '+447911000003');
    expect(items.map((i) => [i.purpose, i.body])).toEqual([['late-reply', 'Here is the answer.']]);
  });
});
