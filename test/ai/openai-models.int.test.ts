import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BotClient } from '../../src/tools/bot-client.js';
import { FAKE_MODEL_SENTENCE, FakeOpenAI } from '../support/fake-openai.js';
import { DEV_TOKEN, startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';

/** The rules do not catch this (asserted below through the model being asked); the fake model flags it. */
const RULES_MISS = 'the thing that happened to grandad at christmas is happening again right now';
const TRIGGER = 'happened to grandad at christmas';
const RULE_EMERGENCY = 'I cant breath properly and my lips are going blue';
const QUESTION = 'whats an egfr blood test';

interface QueueItem {
  conversationId: string;
  priority: string;
  details: { redFlags?: string[]; advice?: string };
}

async function queueOf(server: RunningCarepoint, conversationId: string): Promise<QueueItem[]> {
  const response = await fetch(`${server.url}/api/queue`, { headers: { authorization: `Bearer ${DEV_TOKEN}` } });
  const { items } = (await response.json()) as { items: QueueItem[] };
  // Bot Framework conversations are stored under their namespace (src/channels/bot-framework-keys.ts).
  return items.filter((i) => i.conversationId === `bf:emulator:${conversationId}`);
}

const urgencyOutcomes = (server: RunningCarepoint) =>
  server.logLines().filter((l) => l.component === 'urgency-check').map((l) => l.outcome);

describe('with OpenAI-compatible models configured (a local stand-in over real HTTP)', () => {
  const fake = new FakeOpenAI();
  let server: RunningCarepoint;
  beforeAll(async () => {
    await fake.start();
    server = await startCarepoint({ env: fake.env({ LOG_LEVEL: 'debug' }) });
  });
  afterAll(async () => {
    await server?.stop();
    await fake.stop();
  });
  beforeEach(() => {
    fake.emergencyTriggers = [TRIGGER];
    fake.failChat = false;
    fake.delayMs = 0;
  });

  it('embeds the articles at load and each question, rephrases with the model, and answers in the article\'s words only', async () => {
    const atLoad = fake.embeddingRequests();
    expect(atLoad.length).toBeGreaterThan(0);
    expect(atLoad.flatMap((r) => r.texts).length).toBeGreaterThanOrEqual(server.carepoint.knowledge.articleCount());
    expect(fake.chatRequests()).toEqual([]); // nothing is asked of the chat model before a patient speaks

    const patient = new BotClient(server.url);
    await patient.join();
    const answer = await patient.say(QUESTION);
    expect(answer).toMatch(/eGFR/);
    expect(answer).toMatch(/Source: .+, reviewed/);
    expect(answer).not.toContain('FAKE MODEL');

    const embedded = fake.embeddingRequests().slice(atLoad.length).flatMap((r) => r.texts);
    expect(embedded).toContain(QUESTION);
    const rephrasings = fake.chatRequests('rephrase');
    expect(rephrasings.map((r) => r.texts[0])).toEqual([QUESTION]);
    // The model's words are used only as a search query: they may be embedded, never sent to the patient.
    expect(embedded).toContain(FAKE_MODEL_SENTENCE);
    expect(fake.chatRequests().every((r) => r.kind === 'urgency' || r.kind === 'rephrase')).toBe(true);
    expect(fake.requests.every((r) => r.status === 200)).toBe(true);
    // Vector retrieval really ran (no fallback to lexical alone), over the OpenAI client's default base64 vectors.
    expect(server.logText()).not.toMatch(/embeddings unavailable|a retriever failed|query rewrite failed/);
    expect(fake.embeddingRequests().every((r) => r.body.encoding_format === 'base64')).toBe(true);
    expect(server.logText()).not.toContain(QUESTION);
  });

  it('a message the rules miss but the model flags gets the 999 reply and an emergency queue item', async () => {
    const patient = new BotClient(server.url);
    await patient.join();
    const reply = await patient.say(RULES_MISS);
    expect(reply).toMatch(/^Call 999 now/);
    expect(reply).toMatch(/(alerted the care co-ordination team|care co-ordination team's list) \(ref CP-/);
    expect(fake.chatRequests('urgency').map((r) => r.texts[0])).toContain(RULES_MISS); // so the rules did not catch it

    const [item, ...others] = await queueOf(server, patient.conversationId);
    expect(others).toEqual([]);
    expect(item).toMatchObject({ priority: 'emergency', details: { redFlags: ['model-assessed'], advice: '999' } });
    const raised = server.logLines().find((l) => l.event === 'emergency' && JSON.stringify(l.flags) === '["model-assessed"]');
    expect(raised).toBeDefined();
    expect(server.logText()).not.toContain(TRIGGER); // outcomes only, never the text
  });

  it('a rule emergency stays an emergency when the model says NOT_EMERGENCY (it is not even asked)', async () => {
    fake.emergencyTriggers = [];
    const before = fake.chatRequests('urgency').length;
    const patient = new BotClient(server.url);
    await patient.join();
    expect(await patient.say(RULE_EMERGENCY)).toMatch(/^Call 999 now/);
    expect(fake.chatRequests('urgency').length).toBe(before);
    const [item] = await queueOf(server, patient.conversationId);
    expect(item).toMatchObject({ priority: 'emergency', details: { advice: '999' } });
    expect(item!.details.redFlags).not.toContain('model-assessed');
  });

  it('does not send short answers (a name, a date of birth) to the model', async () => {
    fake.emergencyTriggers = [];
    const before = fake.chatRequests('urgency').length;
    const patient = new BotClient(server.url);
    await patient.join();
    await patient.say("I'm worried about someone I look after");
    await patient.say('someone I care for');
    await patient.say('my dad');
    await patient.say('Arthur Pendleton');
    await patient.say('03/04/1939');
    const asked = fake.chatRequests('urgency').slice(before).map((r) => r.texts[0]);
    expect(asked).toContain("I'm worried about someone I look after");
    expect(asked).not.toContain('Arthur Pendleton');
    expect(asked).not.toContain('03/04/1939');
    expect(asked).not.toContain('my dad');
  });

  it('when the model fails (HTTP 500), the turn still completes with the rule result', async () => {
    fake.failChat = true;
    const patient = new BotClient(server.url);
    await patient.join();
    const reply = await patient.say(RULES_MISS);
    expect(reply).not.toMatch(/999 now/);
    expect(reply.length).toBeGreaterThan(0);
    expect(fake.chatRequests('urgency').filter((r) => r.status === 500).length).toBeGreaterThan(0);
    expect(await queueOf(server, patient.conversationId)).toEqual([]);
    expect(urgencyOutcomes(server)).toContain('failed');
    // and a rule emergency needs no model at all
    expect(await patient.say(RULE_EMERGENCY)).toMatch(/^Call 999 now/);
  });
});

describe('with a slow model', () => {
  const fake = new FakeOpenAI();
  let server: RunningCarepoint;
  beforeAll(async () => {
    await fake.start();
    fake.emergencyTriggers = [TRIGGER];
    server = await startCarepoint({ env: fake.env({ OPENAI_URGENCY_TIMEOUT_MS: '300' }) });
    fake.delayMs = 1500;
  });
  afterAll(async () => {
    await server?.stop();
    await fake.stop();
  });

  it('gives up on the urgency check at its timeout; the turn completes with the rule result', async () => {
    const patient = new BotClient(server.url);
    await patient.join();
    const reply = await patient.say(RULES_MISS);
    expect(reply).not.toMatch(/999 now/);
    expect(reply.length).toBeGreaterThan(0);
    expect(await queueOf(server, patient.conversationId)).toEqual([]);
    const outcome = server.logLines().find((l) => l.component === 'urgency-check');
    expect(outcome).toMatchObject({ outcome: 'timed-out', ms: expect.any(Number) });
    expect(outcome!.ms as number).toBeLessThan(1000);
    // The late EMERGENCY changes nothing afterwards either.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await queueOf(server, patient.conversationId)).toEqual([]);
  });
});

describe('without language model settings (the default)', () => {
  const fake = new FakeOpenAI();
  beforeAll(async () => {
    await fake.start();
  });
  afterAll(async () => {
    await fake.stop();
  });

  it('calls out to nothing: a key and an address alone name no model', async () => {
    const server = await startCarepoint({ env: { OPENAI_API_KEY: fake.apiKey, OPENAI_BASE_URL: `${fake.url}/v1` } });
    try {
      const patient = new BotClient(server.url);
      await patient.join();
      expect(await patient.say(QUESTION)).toMatch(/eGFR/);
      expect(await patient.say(RULES_MISS)).not.toMatch(/999 now/);
      expect(await patient.say(RULE_EMERGENCY)).toMatch(/^Call 999 now/);
      expect(fake.requests).toEqual([]);
      expect(server.logLines().find((l) => l.msg === 'Carepoint listening')).toMatchObject({ chatModel: false, embeddings: false });
    } finally {
      await server.stop();
    }
  });

  it('with no OPENAI_* at all, starts with neither model', async () => {
    const server = await startCarepoint();
    try {
      expect(server.carepoint.config.OPENAI_CHAT_MODEL).toBeUndefined();
      expect(server.logLines().find((l) => l.msg === 'Carepoint listening')).toMatchObject({ chatModel: false, embeddings: false });
      expect(await new BotClient(server.url).say(QUESTION)).toMatch(/eGFR/);
    } finally {
      await server.stop();
    }
  });
});
