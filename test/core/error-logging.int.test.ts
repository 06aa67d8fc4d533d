import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import type { Database } from '../../src/db/database.js';
import { openKnowledgeService, type KnowledgeService } from '../../src/knowledge/knowledge-service.js';
import { createLogger, serialiseError } from '../../src/logging.js';
import { BotClient } from '../../src/tools/bot-client.js';
import { startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';
import { KNOWLEDGE_DIR } from '../support/test-bot.js';

/** What the patient said, in pieces no log line may ever hold. */
const NAME = 'Reginald Featherstonehaugh';
const NHS_NUMBER = '9434765919';
const PHONE = '07700900461';
const SECRETS = ['Featherstonehaugh', NHS_NUMBER, PHONE, 'ankles'];

function expectNoPatientData(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
}

const running: RunningCarepoint[] = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
});

describe('errors in logs', () => {
  it('a database error quoting the refused value (22P05 and its `where`) is logged by name, code and SQL state only', async () => {
    let sabotage = false;
    // The state write is swapped for one PostgreSQL refuses as it refused a concern answer holding a NUL:
    // its error's detail and `where` quote the JSON, name and NHS and phone numbers included.
    const failingStateWrites = (db: Database): Database => ({
      ...db,
      async query<Row>(sql: string, params?: unknown[]) {
        if (sabotage && /bot_state/.test(sql) && /insert|update/i.test(sql)) {
          await db.query('select $1::jsonb', [`{"name":"${NAME}\\u0000","nhsNumber":"${NHS_NUMBER}","phone":"${PHONE}"}`]);
        }
        return db.query<Row>(sql, params);
      },
    });
    const server = await startCarepoint({ overrides: { database: failingStateWrites } });
    running.push(server);
    const patient = new BotClient(server.url);
    await patient.say("I'm worried about my dialysis");
    await patient.say('me');
    sabotage = true;
    expect(await patient.say(NAME)).toMatch(/something went wrong/);
    sabotage = false;

    const failed = server.logLines().find((l) => l.msg === 'turn failed');
    expect(failed?.err).toMatchObject({ type: expect.any(String), sqlState: '22P05', stack: expect.stringMatching(/^\s+at /) });
    expect(Object.keys(failed!.err as object).sort()).toEqual(['sqlState', 'stack', 'type']);
    expectNoPatientData(server.logText());
  });

  it('an error carrying patient text in its message, at depths 1 to 4, in arrays and in its cause, is logged without any of it', async () => {
    const real = await openKnowledgeService({ dir: KNOWLEDGE_DIR, clock: systemClock, logger: createLogger({ level: 'silent' }) });
    const question = `my husband ${NAME} NHS ${NHS_NUMBER} phone ${PHONE} needs his repeat prescription`;
    const carrying = (text: string) => Object.assign(new Error(`no answer for "${text}"`), {
      code: 'E_ANSWER',
      question: text,
      context: { question: text },
      turn: { context: { question: text } },
      deeper: { turn: { context: { question: text } } },
      list: [text, [text], { text }, [{ question: text }]],
      cause: Object.assign(new Error(text), { detail: text, values: [text] }),
    });
    const throwing: KnowledgeService = { ...real, answer: async (q: string) => { throw carrying(q); } };
    const server = await startCarepoint({ overrides: { knowledge: throwing } });
    running.push(server);
    expect(await new BotClient(server.url).say(question)).toMatch(/something went wrong/);
    const failed = server.logLines().find((l) => l.msg === 'turn failed');
    expect(failed?.err).toMatchObject({ type: 'DialogContextError', cause: { type: 'Error', code: 'E_ANSWER', cause: { type: 'Error' } } });
    expectNoPatientData(server.logText());
    await real.close();
  });

  it('serialises any error to its name, code, SQL state and stack frames', () => {
    const text = `${NAME} ${NHS_NUMBER}`;
    const pgError = Object.assign(new Error(`invalid input syntax for type integer: "${text}"`), {
      name: 'error', code: '22P02', severity: 'ERROR', detail: text, where: `JSON data, line 1: ${text}`, routine: 'pg_strtoint32',
    });
    expect(serialiseError(pgError)).toEqual({ type: 'error', sqlState: '22P02', stack: expect.stringMatching(/^\s+at /) });
    expect(serialiseError(Object.assign(new Error(text), { code: `E ${text}` }))).not.toHaveProperty('code');
    expect(serialiseError(Object.assign(new Error('x'), { name: text })).type).toBe('Error');
    expect(serialiseError(text)).toEqual({ type: 'string' });
    const nested = new AggregateError([new TypeError(text), { text }], text, { cause: [text] });
    expect(JSON.stringify(serialiseError(nested))).not.toContain(NHS_NUMBER);
    expect(serialiseError(nested)).toMatchObject({ type: 'AggregateError', errors: [{ type: 'TypeError' }, { type: 'object' }], cause: { type: 'object' } });
  });

  it('a response restify cannot format, and a route that rejects, write nothing of the request anywhere', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const child = spawn(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'test/support/failing-routes-server.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const deadline = Date.now() + 30_000;
      while (!/"port":\d+/.test(output)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`test server did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const url = `http://127.0.0.1:${/"port":(\d+)/.exec(output)![1]}`;
      const body = JSON.stringify({ text: `${NAME} ${NHS_NUMBER} ${PHONE} swollen ankles` });
      // No formatter for what this client accepts: restify's "error retrieving formatter" path.
      const unformattable = await fetch(`${url}/unformattable`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/x-nothing' }, body });
      expect(unformattable.status).toBeGreaterThanOrEqual(400);
      const rejected = await fetch(`${url}/rejects`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(rejected.status).toBe(500);
      const answer = await rejected.text();
      expect(answer).toBe('{"error":"internal error"}');
      await new Promise((r) => setTimeout(r, 200));
      expect(output).toMatch(/"msg":"route failed"/);
      expectNoPatientData(output);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
