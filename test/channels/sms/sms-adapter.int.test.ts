import type { TurnContext } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRUSTED_IDENTITY } from '../../../src/bot/turn-keys.js';
import { outboxForPhone } from '../../../src/channels/sms/outbox.js';
import { SmsAdapter } from '../../../src/channels/sms/sms-adapter.js';
import { systemClock } from '../../../src/clock.js';
import type { Database } from '../../../src/db/database.js';
import { openDatabase } from '../../../src/db/open-database.js';
import { createLogger } from '../../../src/logging.js';
import { freshDataDir } from '../../support/database-template.js';
import { eventually } from '../../support/sms-phone.js';

let db: Database;
const logger = createLogger({ level: 'silent' });

beforeAll(async () => {
  db = await openDatabase({ dataDir: await freshDataDir() });
});
afterAll(async () => {
  await db.close();
});

describe('SmsAdapter', () => {
  it('builds the activity the bot expects from a text, with nothing about who is texting in channelData', () => {
    const adapter = new SmsAdapter({ db, clock: systemClock, logger, botNumber: '+447700900000', replyDeadlineMs: 1000 });
    const activity = adapter.activityOf({ messageSid: 'SM123456789012', phone: '+447911000001', body: ' hi ', numMedia: 0, patientId: 'p-1' });
    expect(activity).toMatchObject({
      type: 'message', id: 'SM123456789012', channelId: 'sms', text: 'hi',
      conversation: { id: 'sms:+447911000001' }, from: { id: '+447911000001' }, recipient: { id: '+447700900000' },
    });
    expect(activity.channelData).toBeUndefined();
  });

  it('tells the bot who is texting in turn state: the patient record for a registered number', async () => {
    const adapter = new SmsAdapter({ db, clock: systemClock, logger, replyDeadlineMs: 1000 });
    const seen: unknown[] = [];
    const record = async (context: TurnContext) => void seen.push(context.turnState.get(TRUSTED_IDENTITY));
    await adapter.processInbound({ messageSid: 'SM123456789020', phone: '+447911000010', body: 'hi', numMedia: 0, patientId: 'p-1' }, record);
    await adapter.processInbound({ messageSid: 'SM123456789021', phone: '+447911000011', body: 'hi', numMedia: 0 }, record);
    expect(seen).toEqual([
      { phone: '+447911000010', requesterKey: 'patient:p-1' },
      { phone: '+447911000011', requesterKey: 'sms:+447911000011' },
    ]);
  });

  it('tells proactive turns (continueConversation) who they are for, linked to the patient record', async () => {
    const adapter = new SmsAdapter({ db, clock: systemClock, logger, replyDeadlineMs: 1000 });
    const { rows } = await db.query<{ id: string }>(
      `insert into patients (name, date_of_birth) values ('Ford Prefect', '1960-01-01') returning id`,
    );
    await db.query('insert into patient_contacts (patient_id, phone) values ($1, $2)', [rows[0]!.id, '+447911000012']);
    const seen: unknown[] = [];
    for (const phone of ['+447911000012', '+447911000013']) {
      await adapter.continueConversation({ conversation: { id: `sms:${phone}`, isGroup: false, conversationType: '', name: '' } }, async (context) => {
        seen.push(context.turnState.get(TRUSTED_IDENTITY));
        expect(context.activity.channelData).toBeUndefined();
      });
    }
    expect(seen).toEqual([
      { phone: '+447911000012', requesterKey: `patient:${rows[0]!.id}` },
      { phone: '+447911000013', requesterKey: 'sms:+447911000013' },
    ]);
  });

  it('starts a text\'s turn (and so its emergency screening) at once, while the last one is still running', async () => {
    const adapter = new SmsAdapter({ db, clock: systemClock, logger, replyDeadlineMs: 5000 });
    const screened: string[] = [];
    adapter.use({ onTurn: async (context, next) => { screened.push(context.activity.text!); await next(); } });
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const phone = '+447911000014';
    const first = adapter.processInbound({ messageSid: 'SM123456789022', phone, body: 'a long question', numMedia: 0 }, () => slow);
    const second = adapter.processInbound({ messageSid: 'SM123456789023', phone, body: 'chest pain', numMedia: 0 }, async () => undefined);
    try {
      await eventually(() => screened.includes('chest pain'), 1000, 'the second text to be screened');
    } finally {
      release();
    }
    await Promise.all([first, second]);
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
