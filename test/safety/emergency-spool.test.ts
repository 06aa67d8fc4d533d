import { copyFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { TestAdapter } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBot } from '../../src/bot/build-bot.js';
import { ManualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/database.js';
import { openPgliteDatabase } from '../../src/db/pglite-database.js';
import { openKnowledgeService, type KnowledgeService } from '../../src/knowledge/knowledge-service.js';
import { createIdHasher, createLogger } from '../../src/logging.js';
import { EmergencySpool, spoolPathFor } from '../../src/safety/emergency-spool.js';
import { createEmergencyScreen } from '../../src/safety/emergency-screen.js';
import { freshDataDir } from '../support/database-template.js';
import { KNOWLEDGE_DIR } from '../support/test-bot.js';

/** The real database, with a switch that fails every statement and transaction as a server that went away. */
function breakable(db: Database): Database & { broken: boolean } {
  const down = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
  const wrapped: Database & { broken: boolean } = {
    ...db,
    broken: false,
    query: (sql, params) => (wrapped.broken ? down() : db.query(sql, params)),
    transaction: (work) => (wrapped.broken ? down() : db.transaction(work)),
  };
  return wrapped;
}

const EMERGENCIES = [
  'my dad has crushing chest pain and cannot breathe',
  'she has collapsed and is not breathing',
  'he is having a seizure that will not stop',
];

let real: Database;
let db: Database & { broken: boolean };
let dataDir: string;
let knowledge: KnowledgeService;
let log = '';
const logger = createLogger({ level: 'info', destination: new Writable({ write: (c, _e, done) => ((log += c), done()) }) });
const clock = new ManualClock(new Date('2026-11-24T10:00:00Z'));

beforeAll(async () => {
  dataDir = await freshDataDir();
  real = await openPgliteDatabase(join(dataDir, 'pg'));
  db = breakable(real);
  knowledge = await openKnowledgeService({ dir: KNOWLEDGE_DIR, clock, logger });
});
afterAll(async () => {
  await knowledge.close();
  await real.close();
});

async function emergencyItems() {
  const { rows } = await real.query<{ conversation_id: string; transcript: unknown[] }>(
    "select conversation_id, transcript from concerns where priority = 'emergency' order by conversation_id",
  );
  return rows;
}

describe('emergencies that storage could not take', () => {
  it('are spooled to a 0600 file, replayed into the queue and transcript once storage is back, once only', async () => {
    const spool = await EmergencySpool.open({ db, clock, logger, path: spoolPathFor(dataDir) });
    const { bot, middleware } = buildBot({
      db, clock, knowledge, screen: createEmergencyScreen(() => knowledge.redFlags()), logger, hashId: createIdHasher('t'), spool,
    });
    db.broken = true;
    for (const [i, text] of EMERGENCIES.entries()) {
      const adapter = new TestAdapter((context) => bot.run(context));
      adapter.conversation.conversation = { id: `spool-${i}`, isGroup: false, name: '', conversationType: 'personal' };
      for (const m of middleware) adapter.use(m);
      adapter.onTurnError = async (context) => void (await context.sendActivity('Sorry, something went wrong.'));
      await adapter.processActivity({ type: 'message', id: `m-${i}`, text } as never);
      expect(adapter.getNextReply()?.text).toMatch(/^Call 999 now/);
    }
    expect(spool.depth()).toBe(3);
    const file = spoolPathFor(dataDir)!;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
    expect(await emergencyItems()).toHaveLength(0);

    // A second copy of the same records, as a second instance over the same database would hold.
    const twinDir = await freshDataDir();
    copyFileSync(file, spoolPathFor(twinDir)!);
    const twin = await EmergencySpool.open({ db, clock, logger, path: spoolPathFor(twinDir) });

    // Still down: nothing is lost, nothing replayed.
    await spool.replay();
    expect(spool.depth()).toBe(3);

    db.broken = false;
    const started = Date.now();
    await Promise.all([spool.replay(), twin.replay()]);
    await spool.replay(); // twice
    console.log(`replayed 3 spooled emergencies in ${Date.now() - started} ms`);
    expect(spool.depth()).toBe(0);
    expect(twin.depth()).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('');

    const items = await emergencyItems();
    expect(items.map((i) => i.conversation_id)).toEqual(['spool-0', 'spool-1', 'spool-2']);
    for (const item of items) expect(item.transcript).toHaveLength(1);
    const inbound = await real.query<{ conversation_id: string; external_id: string; text: string }>(
      "select conversation_id, external_id, text from messages where direction = 'in' and conversation_id like 'spool-%' order by conversation_id",
    );
    expect(inbound.rows.map((r) => [r.external_id, r.text])).toEqual(EMERGENCIES.map((t, i) => [`m-${i}`, t]));

    // The spool holds patient text; none of it, nor of the messages, reached a log line.
    for (const text of EMERGENCIES) expect(log).not.toContain(text);
    expect(log).toMatch(/"event":"emergency-spooled"/);
    expect(log).toMatch(/"event":"emergency-spool-replay"/);
    await twin.stop();
    await spool.stop();
  });

  it('are picked up by the next process from the file an earlier one left', async () => {
    const dir = await freshDataDir();
    const first = await EmergencySpool.open({ db, clock, logger, path: spoolPathFor(dir) });
    const { bot, middleware } = buildBot({
      db, clock, knowledge, screen: createEmergencyScreen(() => knowledge.redFlags()), logger, hashId: createIdHasher('t'), spool: first,
    });
    db.broken = true;
    const adapter = new TestAdapter((context) => bot.run(context));
    adapter.conversation.conversation = { id: 'spool-restart', isGroup: false, name: '', conversationType: 'personal' };
    for (const m of middleware) adapter.use(m);
    adapter.onTurnError = async (context) => void (await context.sendActivity('Sorry, something went wrong.'));
    await adapter.processActivity({ type: 'message', id: 'r-1', text: EMERGENCIES[0] } as never);
    expect(adapter.getNextReply()?.text).toMatch(/^Call 999 now/);
    db.broken = false;
    // No replay by the first; a new process opens the same directory and replays on start.
    const next = await EmergencySpool.open({ db, clock, logger, path: spoolPathFor(dir), retryMs: 50 });
    expect(next.depth()).toBe(1);
    next.start();
    for (let i = 0; i < 100 && next.depth() > 0; i++) await new Promise((r) => setTimeout(r, 50));
    await next.stop();
    expect(next.depth()).toBe(0);
    expect((await emergencyItems()).filter((i) => i.conversation_id === 'spool-restart')).toHaveLength(1);
  });
});
