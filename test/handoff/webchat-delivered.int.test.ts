import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCarepoint } from '../support/start-carepoint.js';
import { DirectLineClient } from '../webchat/support/direct-line-client.js';
import { coordinators, eventually, FAST, hearConcernChanges, queueApi } from './support.js';

type Reply = { kind: string; text: string; status: string };

/**
 * On the local web chat a co-ordinator's reply is 'sent' when it is in the conversation's activity log, and
 * 'delivered' once the patient's client has fetched it: its next poll asks from a watermark past the reply.
 */
describe('web chat replies delivered when the patient\'s client has fetched them', () => {
  let carepoint: Awaited<ReturnType<typeof startCarepoint>>;
  beforeAll(async () => {
    carepoint = await startCarepoint({ overrides: { ...FAST, coordinators } });
  });
  afterAll(async () => {
    await carepoint?.stop();
  });

  it('stays sent while the client has not fetched the reply, and is delivered (and heard live) once it has', async () => {
    const chat = new DirectLineClient(carepoint.url);
    const sam = queueApi(carepoint.url, 'sam');
    await chat.start();
    await chat.post('speak to a human');
    expect((await chat.pollAll()).map((a) => a.text).join('\n')).toMatch(/asked a care co-ordinator/);
    const { rows } = await carepoint.carepoint.db.query<{ id: string }>(
      'select id from concerns where conversation_id = $1 order by created_at desc limit 1',
      [chat.conversationId],
    );
    const concernId = rows[0]!.id;
    expect((await sam.claim(concernId)).status).toBe(200);
    expect((await sam.reply(concernId, 'Hello, this is Sam.')).status).toBe(202);
    const replies = async () => ((await sam.detail(concernId)).replies as Reply[]).map((r) => r.status);
    await eventually(async () => (await replies()).every((s) => s === 'sent'), 10_000, 'the notice and the reply in the log');

    // A poll from before them hands them over: the client has not said it holds them yet.
    const live = await hearConcernChanges(carepoint.carepoint.db);
    const handed = await chat.poll();
    expect(handed.map((a) => a.text)).toEqual([
      expect.stringMatching(/^Sam from the co-ordination team is looking at your concern CP-/), // the claim, told to the person
      'You are now talking to Sam, a care co-ordinator. If this becomes an emergency, call 999.', 'Hello, this is Sam.',
    ]);
    expect(await replies()).toEqual(['sent', 'sent', 'sent']);
    const detail = await sam.detail(concernId);
    expect(detail.route).toEqual({ kind: 'webchat', channelId: 'webchat' });

    // The next poll asks from past them: all delivered, and the console is told.
    expect(await chat.poll()).toEqual([]);
    expect(await replies()).toEqual(['delivered', 'delivered', 'delivered']);
    await eventually(() => live.heard.includes(concernId), 5_000, 'a live event for the console');
    await live.stop();

    // A later reply is sent, then delivered in its turn; the earlier ones stay as they were.
    expect((await sam.reply(concernId, 'Are you still there?')).status).toBe(202);
    await eventually(async () => (await replies())[3] === 'sent', 10_000, 'the second reply in the log');
    expect(await replies()).toEqual(['delivered', 'delivered', 'delivered', 'sent']);
    await chat.pollAll();
    expect(await replies()).toEqual(['delivered', 'delivered', 'delivered', 'delivered']);
  });

  it('does not let a client mark a reply delivered by asking from past what it was given, nor take a reply\'s key', async () => {
    const chat = new DirectLineClient(carepoint.url);
    const sam = queueApi(carepoint.url, 'sam');
    await chat.start();
    await chat.post('speak to a human');
    await chat.pollAll();
    // A client asking from further than it was handed holds only what it was handed: a reply written later is not
    // delivered by asking from past it, only by being handed over and then held.
    chat.watermark = '999999';
    await chat.poll();
    const { rows } = await carepoint.carepoint.db.query<{ id: string; fetched_seq: number; last_seq: number }>(
      `select c.id, w.fetched_seq, w.last_seq from concerns c join webchat_conversations w on w.id = c.conversation_id
       where w.id = $1 order by c.created_at desc limit 1`,
      [chat.conversationId],
    );
    expect(rows[0]!.fetched_seq).toBe(rows[0]!.last_seq);
    const concernId = rows[0]!.id;
    // The delivery port's keys are its own: a browser's message under one is taken, but not under that id.
    const first = await chat.post('one', { channelData: { clientActivityID: 'outbound:1' } });
    const second = await chat.post('two', { channelData: { clientActivityID: 'outbound:1' } });
    expect(first).not.toBe(second);

    expect((await sam.claim(concernId)).status).toBe(200);
    expect((await sam.reply(concernId, 'Hello, this is Sam.')).status).toBe(202);
    const replies = async () => ((await sam.detail(concernId)).replies as Reply[]).map((r) => r.status);
    await eventually(async () => (await replies()).every((s) => s === 'sent'), 10_000, 'the notice and the reply in the log');
    await chat.poll(); // from 999999: nothing, and nothing delivered
    expect(await replies()).toEqual(['sent', 'sent', 'sent']);
    chat.watermark = String(rows[0]!.last_seq + 2); // past the two patient messages, before the claim's message, notice and reply
    expect((await chat.pollAll()).map((a) => a.text)).toContain('Hello, this is Sam.');
    expect(await replies()).toEqual(['delivered', 'delivered', 'delivered']);
  });
});
