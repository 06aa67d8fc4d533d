import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Queryable } from '../../src/db/database.js';
import { openTestBot, type TestBot } from '../support/test-bot.js';

/** The real database, noting every statement it is given (in a transaction too). */
function noting(db: Database, statements: string[]): Database {
  const note = (q: Queryable): Queryable => ({
    query: (sql, params) => {
      statements.push(sql.replace(/\s+/g, ' ').trim());
      return q.query(sql, params);
    },
  });
  return { ...db, ...note(db), transaction: (work) => db.transaction((tx) => work(note(tx))) };
}

/**
 * What an ordinary turn costs the database, once its conversation has begun: its writes (the message, the replies,
 * the state), and no read, with every turn step (repeat contact, feedback, handoff) answered from the message's
 * record. Statements a turn makes are most of the embedded database's work, and each is a trip to its thread.
 */
describe('an ordinary turn, on the embedded database', () => {
  const statements: string[] = [];
  let bot: TestBot;
  beforeAll(async () => {
    bot = await openTestBot({ database: (db) => noting(db, statements) });
  });
  afterAll(async () => {
    await bot?.close();
  });

  it('writes the message, its replies and the state, and reads nothing else', async () => {
    const conversation = bot.conversation();
    const say = async (text: string) => {
      await conversation.processActivity({ type: 'message', text } as never);
      const replies: string[] = [];
      for (let reply = conversation.getNextReply(); reply; reply = conversation.getNextReply()) replies.push(reply.text ?? '');
      return replies.join('\n');
    };
    expect(await say('how do i order my repeat prescription')).toMatch(/Carepoint[\s\S]*repeat/);
    statements.length = 0;
    bot.clock.advance(60_000);
    expect(await say('what does my egfr mean')).toMatch(/eGFR/i);
    const kinds = statements.map((sql) =>
      /insert into messages \(conversation_id, direction, external_id/.test(sql) ? 'inbound'
        : /insert into messages \(conversation_id, direction, text/.test(sql) ? 'replies'
          : /update bot_state/.test(sql) ? 'state'
            : sql.slice(0, 120));
    expect([...new Set(kinds)].sort()).toEqual(['inbound', 'replies', 'state']);
    expect(kinds.filter((k) => k === 'inbound')).toHaveLength(1);
  });
});
