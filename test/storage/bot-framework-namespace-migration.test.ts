import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { freshDataDir } from '../support/database-template.js';

/**
 * Migration 014 on rows written before Bot Framework keys had their namespace: they move to bf:<channel>:<id>
 * (conversation, messages, concerns, dialog state, requester), and SMS and local web chat rows stay as they are.
 */
describe('migration 014: Bot Framework rows move into the bf: namespace', () => {
  let db: Database;

  beforeAll(async () => {
    db = await openDatabase({ dataDir: await freshDataDir() });
    // The rows as the code before 014 wrote them.
    await db.query(`insert into conversations (id, channel, requester_key, reference) values
      ('emu-1', 'chat', 'emulator:user-1', '{"channelId":"emulator"}'),
      ('sms:+447700900222', 'sms', 'sms:+447700900222', '{"channelId":"sms"}'),
      ('dl_local1', 'chat', 'webchat:r_user', '{"channelId":"webchat"}')`);
    await db.query(`insert into webchat_conversations (id, user_id) values ('dl_local1', 'r_user')`);
    await db.query(`insert into messages (conversation_id, direction, text) values ('emu-1', 'in', 'hello'), ('sms:+447700900222', 'in', 'hi'), ('dl_local1', 'in', 'hey')`);
    await db.query(`insert into concerns (reference, priority, channel, conversation_id, requester_key, summary) values
      ('CP-AAAAAA', 'urgent', 'chat', 'emu-1', 'emulator:user-1', 's'),
      ('CP-BBBBBB', 'urgent', 'sms', 'sms:+447700900222', 'sms:+447700900222', 's'),
      ('CP-CCCCCC', 'urgent', 'chat', 'dl_local1', 'webchat:r_user', 's')`);
    await db.query(`insert into bot_state (key, document) values ('emulator/conversations/emu-1/', '{}'), ('sms/conversations/sms:+447700900222/', '{}'), ('webchat/conversations/dl_local1/', '{}')`);
    await db.query(`delete from schema_migrations where name = '014_bot_framework_namespace.sql'`);
    expect(await migrate(db)).toEqual(['014_bot_framework_namespace.sql']);
  });
  afterAll(async () => {
    await db?.close();
  });

  const column = async (sql: string) => (await db.query<{ v: string }>(sql)).rows.map((r) => r.v).sort();

  it('moves every Bot Framework row, and only those', async () => {
    expect(await column('select id as v from conversations')).toEqual(['bf:emulator:emu-1', 'dl_local1', 'sms:+447700900222']);
    expect(await column('select requester_key as v from conversations')).toEqual(['bf:emulator:user-1', 'sms:+447700900222', 'webchat:r_user']);
    expect(await column('select conversation_id as v from messages')).toEqual(['bf:emulator:emu-1', 'dl_local1', 'sms:+447700900222']);
    expect(await column(`select conversation_id || ' ' || requester_key as v from concerns`)).toEqual([
      'bf:emulator:emu-1 bf:emulator:user-1', 'dl_local1 webchat:r_user', 'sms:+447700900222 sms:+447700900222',
    ]);
    expect(await column('select key as v from bot_state')).toEqual([
      'emulator/conversations/bf:emulator:emu-1/', 'sms/conversations/sms:+447700900222/', 'webchat/conversations/dl_local1/',
    ]);
  });
});
