import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { openDatabase } from '../../src/db/open-database.js';
import { addGapCounts, gapTotalsSince, questionDigest } from '../../src/knowledge/knowledge-gaps.js';
import { concernsOf, recordEmergency, submitConcern } from '../../src/concerns/concern-queue.js';
import { listQueue } from '../../src/concerns/queue-page.js';
import type { ConcernDetails } from '../../src/concerns/model.js';
import { recentTranscript, recordInbound, recordInboundTurn, recordOutbound } from '../../src/queue/conversation-log.js';
import type { Priority } from '../../src/concerns/priority.js';
import { REFERENCE_PATTERN } from '../../src/concerns/reference.js';
import { SqlBotStorage, StaleStateError } from '../../src/storage/sql-bot-storage.js';
import { freshDataDir } from '../support/database-template.js';
import { TEST_DATABASE_URL, createTestDatabase } from '../support/postgres.js';

/** Errors from idle PostgreSQL connections, reported instead of ending the process. */
const idleErrors: Error[] = [];

const backends: { name: string; available: boolean; open: () => Promise<{ db: Database; cleanup: () => Promise<void> }> }[] = [
  {
    name: 'PGlite',
    available: true,
    async open() {
      const db = await openDatabase({ dataDir: join(await freshDataDir()) });
      return { db, cleanup: () => db.close() };
    },
  },
  {
    name: 'PostgreSQL server',
    available: Boolean(TEST_DATABASE_URL),
    async open() {
      const { url, drop } = await createTestDatabase();
      const db = await openDatabase({ databaseUrl: url, dataDir: 'unused', onConnectionLost: (e) => idleErrors.push(e) });
      return { db, cleanup: async () => { await db.close(); await drop(); } };
    },
  },
];

const details: ConcernDetails = {
  subject: 'self', pathway: 'kidney', kind: 'medication', description: 'My tablets have not arrived this month.',
  urgency: 'not-urgent', contactMethod: 'this-conversation', contactTime: 'any-time', consentToShare: true,
};

for (const backend of backends) {
  describe.skipIf(!backend.available)(`storage on ${backend.name}`, () => {
    let db: Database;
    let cleanup: () => Promise<void>;
    const clock = new ManualClock(new Date('2026-11-24T09:00:00Z'));
    let n = 0;
    const requester = () => {
      n++;
      return { channel: 'chat' as const, conversationId: `conv-${backend.name}-${n}`, requesterKey: `test:user-${n}` };
    };
    const submit = (priority: Priority, who = requester()) =>
      submitConcern(db, clock, { ...who, submissionId: randomUUID(), priority, details, summary: 'Medicines - Kidney', transcript: [] });

    beforeAll(async () => {
      ({ db, cleanup } = await backend.open());
    });
    afterAll(async () => cleanup());

    it('applies migrations once', async () => {
      expect(await migrate(db)).toEqual([]);
      const { rows } = await db.query<{ name: string }>('select name from schema_migrations order by name');
      expect(rows.map((r) => r.name)).toContain('001_core.sql');
    });

    it('counts knowledge gaps per day and digest, also when many turns count the same question at once', async () => {
      const digest = questionDigest(`gap ${backend.name}`);
      await Promise.all(Array.from({ length: 20 }, (_, i) =>
        addGapCounts(db, [{ day: '2026-11-24', digest, outcome: i % 4 === 0 ? 'choices' : 'declined', asked: 1 }])));
      await addGapCounts(db, [{ day: '2026-11-25', digest, outcome: 'declined', asked: 2 }, { day: '2026-11-25', digest, outcome: 'declined', asked: 1 }]);
      expect((await gapTotalsSince(db, '2026-11-24')).find((t) => t.digest === digest)).toEqual({ digest, choices: 5, declined: 18 });
      expect((await gapTotalsSince(db, '2026-11-25')).find((t) => t.digest === digest)).toEqual({ digest, choices: 0, declined: 3 });
    });

    it('keeps bot state with eTag concurrency', async () => {
      const storage = new SqlBotStorage(db);
      expect(await storage.read(['missing'])).toEqual({});
      await storage.write({ 'conv/a': { step: 1 } });
      const first = await storage.read(['conv/a']);
      expect(first['conv/a']).toMatchObject({ step: 1 });
      await storage.write({ 'conv/a': { ...first['conv/a'], step: 2 } });
      // A second writer still holding the first eTag must not overwrite the newer state.
      await expect(storage.write({ 'conv/a': { ...first['conv/a'], step: 3 } })).rejects.toBeInstanceOf(StaleStateError);
      await storage.write({ 'conv/a': { step: 4, eTag: '*' } });
      expect((await storage.read(['conv/a']))['conv/a']).toMatchObject({ step: 4 });
      await storage.delete(['conv/a']);
      expect(await storage.read(['conv/a'])).toEqual({});
    });

    it('keeps eTag concurrency when many turns write state at once', async () => {
      const storage = new SqlBotStorage(db);
      const keys = Array.from({ length: 10 }, (_, i) => `conv/many-${i}`);
      await Promise.all(keys.map((key) => storage.write({ [key]: { turn: 1 } })));
      const read = await storage.read(keys);
      // Every conversation moves on from what it read; odd ones also have a second writer with the same,
      // now stale, eTag: exactly one of each pair may win.
      const outcomes = await Promise.allSettled(keys.flatMap((key, i) => [
        storage.write({ [key]: { ...read[key], turn: 2 } }),
        ...(i % 2 === 1 ? [storage.write({ [key]: { ...read[key], turn: 3 } })] : []),
      ]));
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
      const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(rejected).toHaveLength(5);
      for (const r of rejected) expect(r.reason).toBeInstanceOf(StaleStateError);
      const after = await new SqlBotStorage(db).read(keys);
      for (const [i, key] of keys.entries()) {
        expect(after[key]).toMatchObject({ turn: 2 });
        expect(Number(after[key].eTag)).toBe(Number(read[key].eTag) + 1);
        expect(i % 2 === 0 || rejected.some((r) => String(r.reason.message).includes(key))).toBe(true);
      }
    });

    it('serves cached state that matches the database, and still refuses stale writes', async () => {
      const cached = new SqlBotStorage(db, 10);
      const other = new SqlBotStorage(db);
      await cached.write({ 'conv/cache': { step: 1 } });
      const first = await cached.read(['conv/cache']);
      expect(first['conv/cache']).toEqual(await other.read(['conv/cache']).then((r) => r['conv/cache']));
      first['conv/cache'].step = 99; // the SDK mutates what it reads; the cache must not see that
      expect((await cached.read(['conv/cache']))['conv/cache']).toMatchObject({ step: 1 });
      await cached.write({ 'conv/cache': { ...first['conv/cache'], step: 2 } });
      await expect(cached.write({ 'conv/cache': { ...first['conv/cache'], step: 3 } })).rejects.toBeInstanceOf(StaleStateError);
      expect((await other.read(['conv/cache']))['conv/cache']).toMatchObject({ step: 2 });
    });

    it('commits a concern with a well-formed reference and reads it back', async () => {
      const who = requester();
      const item = await submit('soon', who);
      expect(item.reference).toMatch(REFERENCE_PATTERN);
      expect(item.status).toBe('open');
      const [mine] = await concernsOf(db, who.requesterKey);
      expect(mine).toMatchObject({ id: item.id, details, priority: 'soon', channel: 'chat', conversationId: who.conversationId });
      expect(await concernsOf(db, 'test:somebody-else')).toEqual([]);
    });

    it('commits one concern however often, and however concurrently, the same submission arrives', async () => {
      const who = requester();
      const submissionId = randomUUID();
      const items = await Promise.all(
        Array.from({ length: 4 }, () =>
          submitConcern(db, clock, { ...who, submissionId, priority: 'soon', details, summary: 'Medicines - Kidney', transcript: [] }),
        ),
      );
      expect(new Set(items.map((i) => i.reference)).size).toBe(1);
      expect(await concernsOf(db, who.requesterKey)).toHaveLength(1);
    });

    it('orders the queue by priority, then age', async () => {
      await db.query('delete from concerns');
      const routine = await submit('routine');
      clock.advance(60_000);
      const urgentOld = await submit('urgent');
      clock.advance(60_000);
      const urgentNew = await submit('urgent');
      clock.advance(60_000);
      const { item: emergency } = await recordEmergency(db, clock, {
        ...requester(), flags: ['chest-pain'], advice: '999', entry: { direction: 'in', text: 'chest pain', at: clock.now().toISOString() },
      });
      const queue = await listQueue(db);
      expect(queue.map((i) => i.id)).toEqual([emergency.id, urgentOld.id, urgentNew.id, routine.id]);
      await db.query(`update concerns set status = 'resolved' where id = $1`, [emergency.id]);
      expect((await listQueue(db)).map((i) => i.id)).not.toContain(emergency.id);
    });

    it('keeps one unresolved emergency item per conversation, even under concurrent red flags', async () => {
      const who = requester();
      const results = await Promise.all(
        ['he collapsed', 'not breathing', 'lips blue', 'no pulse'].map((text) =>
          recordEmergency(db, clock, { ...who, flags: [text.split(' ')[0]!], advice: '999', entry: { direction: 'in', text, at: clock.now().toISOString() } }),
        ),
      );
      expect(new Set(results.map((r) => r.item.id)).size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const [item] = (await listQueue(db)).filter((i) => i.conversationId === who.conversationId);
      expect(item!.transcript).toHaveLength(4);
      expect(new Set(item!.details.redFlags as string[])).toEqual(new Set(['he', 'not', 'lips', 'no']));
    });

    it('records an inbound message once, also when duplicates arrive together', async () => {
      const who = requester();
      const deliveries = await Promise.all(
        Array.from({ length: 5 }, () => recordInbound(db, clock, { ...who, externalId: 'msg-1', text: 'hello' })),
      );
      expect(deliveries.filter(Boolean)).toHaveLength(1);
      await recordOutbound(db, clock, who.conversationId, ['Hello, I am Carepoint']);
      expect((await recentTranscript(db, who.conversationId)).map((t) => [t.direction, t.text])).toEqual([
        ['in', 'hello'], ['out', 'Hello, I am Carepoint'],
      ]);
    });

    it('says, with the record of a message, what the conversation held before it: the previous inbound message, an open feedback question, a handoff', async () => {
      const who = requester();
      const at = new ManualClock(new Date('2026-11-24T10:00:00Z'));
      const first = await recordInboundTurn(db, at, { ...who, externalId: 'a', text: 'one' });
      expect(first).toEqual({ fresh: true, before: { previousInboundAt: undefined, feedbackOpen: false, handedOver: false } });
      await recordOutbound(db, at, who.conversationId, ['a reply']);
      at.advance(90_000);
      const concern = await submit('routine', who);
      await db.query(`insert into feedback_requests (concern_id, conversation_id, channel, expires_at) values ($1, $2, 'chat', now() + interval '1 day')`, [concern.id, who.conversationId]);
      await db.query('insert into conversation_holders (conversation_id) values ($1)', [who.conversationId]);
      // Several at once, in one statement: each conversation's own, and never the message just recorded.
      const other = requester();
      const [second, otherFirst] = await Promise.all([
        recordInboundTurn(db, at, { ...who, externalId: 'b', text: 'two' }),
        recordInboundTurn(db, at, { ...other, externalId: 'c', text: 'hello' }),
      ]);
      expect(second).toEqual({ fresh: true, before: { previousInboundAt: new Date('2026-11-24T10:00:00Z'), feedbackOpen: true, handedOver: true } });
      expect(otherFirst).toEqual({ fresh: true, before: { previousInboundAt: undefined, feedbackOpen: false, handedOver: false } });
      expect(await recordInboundTurn(db, at, { ...who, externalId: 'b', text: 'two' })).toEqual({ fresh: false });
      await db.query(`update feedback_requests set expires_at = now() - interval '1 second' where concern_id = $1`, [concern.id]);
      at.advance(1_000);
      expect(await recordInboundTurn(db, at, { ...who, externalId: 'd', text: 'three' })).toEqual({
        fresh: true, before: { previousInboundAt: new Date('2026-11-24T10:01:30Z'), feedbackOpen: false, handedOver: true },
      });
    });

    it('records messages of many conversations at once, each once however often it is delivered', async () => {
      const people = Array.from({ length: 8 }, () => requester());
      const deliveries = await Promise.all(people.flatMap((who, i) => [
        recordInbound(db, clock, { ...who, externalId: `m-${i}`, text: `hello ${i}` }),
        recordInbound(db, clock, { ...who, externalId: `m-${i}`, text: `hello ${i}` }),
        recordInbound(db, clock, { ...who, text: `no id ${i}` }),
      ]));
      expect(deliveries.filter(Boolean)).toHaveLength(16);
      for (const [i, who] of people.entries()) {
        expect((await recentTranscript(db, who.conversationId)).map((t) => t.text)).toEqual([`hello ${i}`, `no id ${i}`]);
      }
    });

    it('records a message carrying a NUL character, and never fails the others sent with it', async () => {
      const people = Array.from({ length: 3 }, () => requester());
      const recorded = await Promise.all(people.map((who, i) =>
        recordInbound(db, clock, { ...who, externalId: `nul-${i}`, text: i === 1 ? 'hello\u0000there' : `hello ${i}`, reference: { note: i === 1 ? 'a\u0000b' : 'ab' } })));
      expect(recorded).toEqual([true, true, true]);
      await Promise.all(people.map((who) => recordOutbound(db, clock, who.conversationId, ['one\u0000', 'two'])));
      expect((await recentTranscript(db, people[1]!.conversationId)).map((t) => t.text)).toEqual(['hellothere', 'one', 'two']);
    });

    it('stores state, concerns and web chat activities whose text carries NUL or a lone surrogate (jsonb refuses both)', async () => {
      const storage = new SqlBotStorage(db);
      const key = `nul-state-${randomUUID()}`;
      await storage.write({ [key]: { answers: { name: 'Jane\u0000 Smith', what: 'swollen\ud800 ankles', list: ['a\u0000', '\udc00'] } } });
      expect((await storage.read([key]))[key]).toMatchObject({ answers: { name: 'Jane Smith', what: 'swollen\ufffd ankles', list: ['a', '\ufffd'] } });
      const who = requester();
      const item = await submitConcern(db, clock, { ...who, submissionId: randomUUID(), priority: 'routine', details: { ...details, name: 'Jane\u0000 Smith', description: 'x\ud83d' }, transcript: [{ direction: 'in', text: 'a\u0000b', at: clock.now().toISOString() }], summary: 'Jane\u0000' });
      expect(item.details).toMatchObject({ name: 'Jane Smith', description: 'x\ufffd' });
      expect(item.summary).toBe('Jane');
    });

    it('records the replies of many turns at once, each conversation\'s in the order they were sent', async () => {
      const people = Array.from({ length: 8 }, () => requester());
      await Promise.all(people.map(async (who, i) => {
        for (let turn = 0; turn < 3; turn++) await recordOutbound(db, clock, who.conversationId, [`${i}.${turn}a`, `${i}.${turn}b`]);
      }));
      for (const [i, who] of people.entries()) {
        expect((await recentTranscript(db, who.conversationId)).map((t) => t.text)).toEqual(
          [0, 1, 2].flatMap((turn) => [`${i}.${turn}a`, `${i}.${turn}b`]),
        );
      }
    });

    it('keeps each conversation\'s reference current and its last-seen time to the minute', async () => {
      const who = requester();
      const at = new ManualClock(new Date('2026-11-24T10:00:00Z'));
      const row = async () => (await db.query<{ last_seen_at: Date | string; reference: unknown }>(
        'select last_seen_at, reference from conversations where id = $1', [who.conversationId])).rows[0]!;
      const seenAt = async () => new Date((await row()).last_seen_at).toISOString();
      const first = { channelId: 'emulator', serviceUrl: 'http://127.0.0.1:1' };
      await recordInbound(db, at, { ...who, text: 'one', reference: first });
      at.advance(30_000);
      await recordInbound(db, at, { ...who, text: 'two', reference: first });
      expect(await seenAt()).toBe('2026-11-24T10:00:00.000Z');
      const moved = { channelId: 'emulator', serviceUrl: 'http://127.0.0.1:2' };
      await recordInbound(db, at, { ...who, text: 'three', reference: moved });
      expect(await row()).toMatchObject({ reference: moved });
      expect(await seenAt()).toBe('2026-11-24T10:00:30.000Z');
      at.advance(61_000);
      await recordInbound(db, at, { ...who, text: 'four' });
      expect(await row()).toMatchObject({ reference: moved });
      expect(await seenAt()).toBe('2026-11-24T10:01:31.000Z');
      expect(await recentTranscript(db, who.conversationId)).toHaveLength(4);
    });

    it.skipIf(backend.name !== 'PostgreSQL server')('returns the twin committed while a submission waited on it', async () => {
      const who = requester();
      const submissionId = randomUUID();
      const { rows } = await db.query<{ name: string }>('select current_database() as name');
      const url = new URL(TEST_DATABASE_URL!);
      url.pathname = `/${rows[0]!.name}`;
      const other = new pg.Client({ connectionString: url.toString() });
      await other.connect();
      try {
        await other.query('begin');
        await other.query(
          `insert into concerns (reference, submission_id, priority, channel, conversation_id, requester_key, summary)
           values ('CP-TWNABC', $1, 'soon', 'chat', $2, $3, 'twin')`,
          [submissionId, who.conversationId, who.requesterKey],
        );
        const waiting = submitConcern(db, clock, { ...who, submissionId, priority: 'soon', details, summary: 'mine', transcript: [] });
        await new Promise((r) => setTimeout(r, 200)); // it is now blocked on the uncommitted twin
        await other.query('commit');
        expect((await waiting).reference).toBe('CP-TWNABC');
      } finally {
        await other.end();
      }
    });

    it.skipIf(backend.name !== 'PostgreSQL server')('survives the server dropping its idle connections', async () => {
      await Promise.all([db.query('select 1'), db.query('select 1'), db.query('select 1')]);
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      const { rows } = await db.query<{ name: string }>('select current_database() as name');
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [rows[0]!.name]);
      await admin.end();
      await new Promise((r) => setTimeout(r, 200));
      expect(idleErrors.length).toBeGreaterThan(0);
      expect(await db.ping()).toBe(true);
    });

    it('answers statements sent at once each on its own: one failing never fails the others, and keeps its error code', async () => {
      const keys = Array.from({ length: 12 }, (_, i) => `together-${i}`);
      await db.query(`insert into bot_state (key, document) values ('together-first', '{}'::jsonb)`);
      const outcomes = await Promise.allSettled([
        ...keys.map((key) => db.query(`insert into bot_state (key, document) values ($1, '{}'::jsonb) returning key`, [key])),
        db.query(`insert into bot_state (key, document) values ('together-first', '{}'::jsonb)`),
        db.query('select 1 / 0'),
      ]);
      expect(outcomes.slice(0, 12).map((o) => o.status === 'fulfilled' && o.value.rows[0])).toEqual(keys.map((key) => ({ key })));
      expect(outcomes[12]).toMatchObject({ status: 'rejected', reason: { code: '23505' } });
      expect(outcomes[13]).toMatchObject({ status: 'rejected', reason: { code: '22012' } });
      const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from bot_state where key like 'together-%'`);
      expect(rows[0]!.n).toBe(13);
    });

    it('rolls a failed transaction back', async () => {
      await expect(
        db.transaction(async (tx) => {
          await tx.query(`insert into bot_state (key, document) values ('tx-test', '{}'::jsonb)`);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect((await db.query(`select 1 from bot_state where key = 'tx-test'`)).rows).toHaveLength(0);
    });
  });
}
