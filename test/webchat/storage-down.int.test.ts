import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';
import { DirectLineClient } from './support/direct-line-client.js';

let carepoint: RunningCarepoint;
beforeAll(async () => {
  carepoint = await startCarepoint();
});
afterAll(async () => {
  await carepoint?.stop();
});

describe('local web chat with storage down', () => {
  it('screens the message first and gives the 999 instruction (no 500), then spools the emergency', async () => {
    const chat = new DirectLineClient(carepoint.url);
    await chat.start();
    await chat.pollAll();
    const db = carepoint.carepoint.db as unknown as Record<'query' | 'transaction', unknown>;
    const working = { query: db.query, transaction: db.transaction };
    db.query = db.transaction = async () => {
      throw new Error('connection terminated unexpectedly');
    };
    let replies: string[];
    try {
      await chat.post('she is having a seizure that will not stop and her lips are blue');
      replies = (await chat.poll()).filter((a) => a.from.role === 'bot').map((a) => a.text ?? '');
    } finally {
      Object.assign(db, working);
    }
    expect(replies[0]).toMatch(/^Call 999 now/);
    const events = carepoint.logLines().map((l) => l.event);
    expect(events).toEqual(expect.arrayContaining(['inbound-not-recorded', 'emergency-not-recorded', 'emergency-spooled']));
    expect(carepoint.logText()).not.toContain('lips are blue');
  });
});
