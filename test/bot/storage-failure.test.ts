import { join } from 'node:path';
import { TestAdapter } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBot } from '../../src/bot/build-bot.js';
import { ManualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/database.js';
import { openPgliteDatabase } from '../../src/db/pglite-database.js';
import { openKnowledgeService, type KnowledgeService } from '../../src/knowledge/knowledge-service.js';
import { createIdHasher, createLogger } from '../../src/logging.js';
import { createEmergencyScreen } from '../../src/safety/emergency-screen.js';
import { freshDataDir } from '../support/database-template.js';
import { KNOWLEDGE_DIR } from '../support/test-bot.js';

/** The real database, with a switch that makes every statement fail as a dropped connection would. */
function breakable(db: Database): Database & { broken: boolean } {
  const wrapped = {
    ...db,
    broken: false,
    async query<Row>(sql: string, params?: unknown[]) {
      if (wrapped.broken) throw new Error('connection terminated unexpectedly');
      return db.query<Row>(sql, params);
    },
  };
  return wrapped;
}

let db: Database & { broken: boolean };
let real: Database;
let knowledge: KnowledgeService;
let adapter: TestAdapter;

beforeAll(async () => {
  real = await openPgliteDatabase(join(await freshDataDir(), 'pg'));
  db = breakable(real);
  const clock = new ManualClock(new Date('2026-11-24T10:00:00Z'));
  const logger = createLogger({ level: 'silent' });
  knowledge = await openKnowledgeService({ dir: KNOWLEDGE_DIR, clock, logger });
  const { bot, middleware } = buildBot({ db, clock, knowledge, screen: createEmergencyScreen(() => knowledge.redFlags()), logger, hashId: createIdHasher('t') });
  adapter = new TestAdapter((context) => bot.run(context));
  for (const m of middleware) adapter.use(m);
  adapter.onTurnError = async (context) => {
    await context.sendActivity('Sorry, something went wrong on our side.');
  };
});
afterAll(async () => {
  await knowledge.close();
  await real.close();
});

describe('when storage fails mid-conversation', () => {
  it('still tells a person in an emergency to call 999', async () => {
    await adapter.send('hello').assertReply((a) => expect(a.text).toMatch(/Carepoint/)).startTest();
    db.broken = true;
    const replies: string[] = [];
    await adapter.processActivity({ type: 'message', text: 'my dad has crushing chest pain and cannot breathe' } as never);
    for (let reply = adapter.getNextReply(); reply; reply = adapter.getNextReply()) replies.push(reply.text ?? '');
    expect(replies[0]).toMatch(/^Call 999 now/);
    db.broken = false;
  });

  it('fails an ordinary turn safely, and gives the emergency instruction again on a repeated delivery', async () => {
    db.broken = true;
    await adapter.processActivity({ type: 'message', text: 'how do i get a repeat prescription' } as never);
    expect(adapter.getNextReply()?.text).toMatch(/something went wrong/);
    db.broken = false;
    const emergency = { type: 'message', id: 'same-delivery', text: 'he has collapsed and is not breathing' };
    await adapter.processActivity({ ...emergency } as never);
    while (adapter.getNextReply()) { /* first delivery's replies */ }
    await adapter.processActivity({ ...emergency } as never);
    expect(adapter.getNextReply()?.text).toMatch(/^Call 999 now/);
  });
});
