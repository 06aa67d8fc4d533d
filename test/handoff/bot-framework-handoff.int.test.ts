import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotClient } from '../../src/tools/bot-client.js';
import { startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';
import { concernOf, coordinators, eventually, FAST, queueApi, startLocalConnector } from './support.js';

let connector: Awaited<ReturnType<typeof startLocalConnector>>;
let app: RunningCarepoint;

const start = (dataDir?: string) => startCarepoint({ dataDir, overrides: { ...FAST, coordinators } });

beforeAll(async () => {
  connector = await startLocalConnector();
  app = await start();
});
afterAll(async () => {
  await app?.stop();
  await connector?.stop();
});

/** A Bot Framework patient whose channel service is the local connector (as Azure Bot Service's would be). */
function patient(conversationId = `bf-handoff-${randomUUID()}`) {
  const client = () => new BotClient(app.url, { conversationId, userId: `user-${conversationId}` });
  return {
    conversationId,
    stored: `bf:emulator:${conversationId}`,
    say: async (text: string) => (await client().send(text, { serviceUrl: connector.url })).map((r) => r.text ?? '').join('\n'),
  };
}

async function handoff(person: ReturnType<typeof patient>) {
  const sam = queueApi(app.url, 'sam');
  expect(await person.say('speak to a human')).toMatch(/asked a care co-ordinator/);
  const concern = await concernOf(app.carepoint.db, person.stored);
  expect((await sam.claim(concern.id)).status).toBe(200);
  expect((await sam.reply(concern.id, 'Hello, this is Sam. What can I do for you?')).status).toBe(202);
  return { sam, concernId: concern.id };
}

describe('a live handoff on a Bot Framework channel', () => {
  it('sends the reply proactively to the channel service, takes the answer to the co-ordinator, and hands back', async () => {
    const person = patient();
    const { sam, concernId } = await handoff(person);
    const texts = await eventually(() => (connector.texts(person.conversationId).length >= 3 ? connector.texts(person.conversationId) : undefined), 10_000, 'proactive messages');
    expect(texts).toEqual([
      expect.stringMatching(/^Sam from the co-ordination team is looking at your concern CP-[A-Z0-9]{6}\./),
      'You are now talking to Sam, a care co-ordinator. If this becomes an emergency, call 999.',
      'Hello, this is Sam. What can I do for you?',
    ]);
    expect(connector.received.find((r) => r.conversationId === person.conversationId)!.path).toMatch(new RegExp(`^/v3/conversations/${person.conversationId}/activities`));
    await eventually(async () => (await sam.detail(concernId)).replies.every((r: { status: string }) => r.status === 'sent'), 5_000, 'replies sent');
    // 'sent' is as far as a Bot Framework channel tells: the console names the channel and says so.
    expect((await sam.detail(concernId)).route).toEqual({ kind: 'bot-framework', channelId: 'emulator' });

    expect(await person.say('I need my repeat prescription moved to a new pharmacy')).toBe('');
    const detail = await sam.detail(concernId);
    expect(detail.events.some((e: { kind: string; data: { text?: string } }) => e.kind === 'patient-message' && e.data.text === 'I need my repeat prescription moved to a new pharmacy')).toBe(true);

    expect((await sam.handBack(concernId)).status).toBe(200);
    const back = await eventually(() => connector.texts(person.conversationId)[3], 10_000, 'the hand-back notice');
    expect(back).toMatch(/^Sam has passed you back to Carepoint's assistant\.\n\nHello, I am Carepoint/);
    expect(await person.say('how do I order a repeat prescription')).toMatch(/prescription/i);
  });

  it('shows a reply the channel refuses (403, 404) as failed with the reason, and never sends it again', async () => {
    for (const status of [403, 404]) {
      const person = patient();
      const { sam, concernId } = await handoff(person);
      await eventually(() => connector.texts(person.conversationId).length >= 3, 10_000, 'the handoff messages');
      connector.refuse.set(person.conversationId, status);
      expect((await sam.reply(concernId, 'Are you still there?')).status).toBe(202);
      const failed = await eventually(async () => (await sam.detail(concernId)).replies.find((r: { text: string; status: string }) => r.text === 'Are you still there?' && r.status === 'failed'), 10_000, 'failed reply');
      expect(failed.failureReason).toMatch(new RegExp(`^bot-framework-${status}`));
      expect((await sam.detail(concernId)).events.some((e: { kind: string; data: { channel?: string } }) => e.kind === 'dead-letter' && e.data.channel === 'bot-framework')).toBe(true);
      await app.carepoint.jobs.runDue({ asIfSecondsLater: 120 });
      expect((await sam.detail(concernId)).replies.find((r: { text: string }) => r.text === 'Are you still there?').attempts).toBe(1);
    }
  });

  it('carries on after a restart: the patient still reaches the co-ordinator, and the next reply reaches the patient', async () => {
    const person = patient();
    const { sam, concernId } = await handoff(person);
    await eventually(() => connector.texts(person.conversationId).length >= 3, 10_000, 'the handoff messages');
    const dataDir = app.dataDir;
    await app.stop();
    app = await start(dataDir);
    const samAgain = queueApi(app.url, 'sam');
    expect(await person.say('Are you still with me?')).toBe('');
    expect((await samAgain.detail(concernId)).handoff).toMatchObject({ coordinator: { id: 'sam' } });
    expect((await samAgain.reply(concernId, 'Yes, still here.')).status).toBe(202);
    await eventually(() => connector.texts(person.conversationId).includes('Yes, still here.'), 10_000, 'the reply after the restart');
    expect(connector.texts(person.conversationId).filter((t) => t.startsWith('You are now talking to'))).toHaveLength(1);
    void sam;
  });
});
