import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotClient } from '../../src/tools/bot-client.js';
import { startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';

let server: RunningCarepoint;
beforeAll(async () => {
  server = await startCarepoint({ env: { LOG_LEVEL: 'debug' } });
});
afterAll(async () => {
  await server.stop();
});

describe('logs of a whole conversation', () => {
  const conversationId = 'log-test-conversation-8f2c1e';
  const said = [
    "I'm worried about my husband", 'Margaret Featherstonehaugh', 'Reginald Featherstonehaugh', '14/07/1946',
    'heart failure', 'symptoms', 'His ankles are much more swollen than last week and he is more breathless on the stairs.',
    'today', 'phone call', '07700 900461', 'evening', 'yes', 'yes', 'he has chest pain now',
  ];

  it('carry a request id and a hashed conversation id, and none of what the patient said', async () => {
    const patient = new BotClient(server.url, { conversationId });
    for (const text of said) await patient.say(text);
    const log = server.logText();
    const lines = server.logLines();
    expect(lines.length).toBeGreaterThan(said.length);
    for (const text of said.filter((t) => t.length > 4)) expect(log).not.toContain(text);
    for (const fragment of ['Featherstonehaugh', '1946', '07700', '900461', '+447700900461', 'ankles', conversationId]) {
      expect(log).not.toContain(fragment);
    }
    const emergency = lines.find((l) => l.event === 'emergency');
    expect(emergency).toMatchObject({ requestId: expect.any(String), conversation: expect.stringMatching(/^[\w-]{16}$/) });
    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests.length).toBeGreaterThanOrEqual(said.length);
    for (const line of requests) {
      expect(line).toMatchObject({ requestId: expect.any(String), path: '/api/messages', conversation: emergency!.conversation, channel: 'chat' });
    }
  });
});
