import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { openPgliteDatabase } from '../../src/db/pglite-database.js';
import { PgliteSession } from '../../src/db/pglite-session.js';
import { freshDataDir } from '../support/database-template.js';

describe('the embedded database on its own thread', () => {
  it('runs other statements only once an open transaction has finished, as one connection does', async () => {
    const db = await openPgliteDatabase('memory://');
    await db.query('create table t (n int)');
    let outsideDone = false;
    let outside: Promise<unknown> = Promise.resolve();
    await db.transaction(async (tx) => {
      await tx.query('insert into t values (1)');
      outside = db.query('select count(*)::int as n from t').then((r) => {
        outsideDone = true;
        return r.rows[0];
      });
      await new Promise((r) => setTimeout(r, 50));
      expect(outsideDone).toBe(false);
      await tx.query('insert into t values (2)');
    });
    expect(await outside).toEqual({ n: 2 });
    // A parameter that cannot cross to the thread fails that statement alone.
    await expect(db.query('select $1::text as x', [() => 1])).rejects.toThrow(/could not be cloned/);
    expect((await db.query('select 1 as x')).rows).toEqual([{ x: 1 }]);
    await db.close();
  });

  it('fails statements at once after it has stopped, and reports itself not ready', async () => {
    const db = await openPgliteDatabase('memory://');
    await db.close();
    await expect(db.query('select 1')).rejects.toThrow(/stopped/);
    expect(await db.ping()).toBe(false);
  });

  it('refuses to open a data directory that is not a database it can use, rather than hanging', async () => {
    const dir = join(await freshDataDir(), 'pg');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'PG_VERSION'), '9\n');
    await expect(openPgliteDatabase(dir)).rejects.toThrow(/./);
  });
});

describe('the embedded database session (prepared statements over the wire protocol)', () => {
  it('prepares a statement once and reuses it, within a bounded number kept', async () => {
    const pg = await PGlite.create();
    const session = new PgliteSession(pg, 3);
    const count = async (text: string) =>
      (await pg.query<{ n: number }>('select count(*)::int as n from pg_prepared_statements where statement = $1', [text])).rows[0]!.n;
    for (let i = 0; i < 3; i++) expect((await session.query('select $1::int + 1 as n', [i])).rows).toEqual([{ n: i + 1 }]);
    expect(await count('select $1::int + 1 as n')).toBe(1);
    for (let i = 0; i < 10; i++) await session.query(`select ${i} as n`);
    expect((await pg.query<{ n: number }>('select count(*)::int as n from pg_prepared_statements')).rows[0]!.n).toBeLessThanOrEqual(4);
    await pg.close();
  });

  it('plans a prepared statement once: no later run is planned again for its values', async () => {
    const pg = await PGlite.create();
    const session = await PgliteSession.open(pg);
    await session.query('create table w (k text primary key, n int)');
    const batch = 'insert into w select * from unnest($1::text[], $2::int[]) on conflict (k) do update set n = excluded.n';
    for (let i = 0; i < 12; i++) await session.query(batch, [Array.from({ length: (i % 3) + 1 }, (_, j) => `k${j}`), Array.from({ length: (i % 3) + 1 }, () => i)]);
    const { rows } = await session.query<{ generic_plans: number; custom_plans: number }>(
      'select generic_plans::int, custom_plans::int from pg_prepared_statements where statement = $1', [batch]);
    expect(rows).toEqual([{ generic_plans: 12, custom_plans: 0 }]);
    expect((await session.query('select k, n from w order by k')).rows).toEqual([{ k: 'k0', n: 11 }, { k: 'k1', n: 11 }, { k: 'k2', n: 11 }]);
    await pg.close();
  });

  it('gives PGlite\'s own results and errors, and carries on after an error or a change of columns', async () => {
    const pg = await PGlite.create();
    const session = new PgliteSession(pg);
    await session.query('create table t (a int, at timestamptz, doc jsonb)');
    const at = new Date('2026-11-25T10:00:00Z');
    await session.query('insert into t values ($1, $2, $3)', [1, at, { x: [1, 'two'] }]);
    expect((await session.query('select * from t')).rows).toEqual((await pg.query('select * from t')).rows);
    expect((await session.query('select * from t')).rows).toEqual([{ a: 1, at, doc: { x: [1, 'two'] } }]);
    await expect(session.query('insert into t (a) values ($1)', ['not a number'])).rejects.toMatchObject({ code: '22P02' });
    await expect(session.query('select nonsense from')).rejects.toMatchObject({ code: '42601' });
    // A migration adds a column under a prepared "select *": it is prepared again, not failed.
    await session.query('alter table t add column b text');
    expect((await session.query('select * from t')).rows).toEqual([{ a: 1, at, doc: { x: [1, 'two'] }, b: null }]);
    // ...or changes the type of a column a prepared statement writes.
    await session.query('update t set b = $1', ['plain']);
    await session.query('alter table t alter column b type jsonb using to_jsonb(b)');
    await session.query('update t set b = $1', [{ now: 'json' }]);
    expect((await session.query('select b from t')).rows).toEqual([{ b: { now: 'json' } }]);
    // Inside a transaction nothing can be retried: the real error comes back, naming the statement.
    await session.control('begin');
    await session.query('alter table t add column c int');
    await expect(session.query('select * from t')).rejects.toMatchObject({ code: '0A000', query: 'select * from t' });
    await session.control('rollback');
    await pg.close();
  });

  it('closes only once an open transaction has ended, and answers what was asked before', async () => {
    const db = await openPgliteDatabase('memory://');
    await db.query('create table v (n int)');
    let closed = false;
    await db.transaction(async (tx) => {
      await tx.query('insert into v values (1)');
      void db.close().then(() => (closed = true));
      await new Promise((r) => setTimeout(r, 50));
      expect(closed).toBe(false);
      await tx.query('insert into v values (2)');
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(closed).toBe(true);
  });

  it('refuses to report as committed a transaction that failed part way', async () => {
    const db = await openPgliteDatabase('memory://');
    await db.query('create table u (n int primary key)');
    await expect(db.transaction(async (tx) => {
      await tx.query('insert into u values (1)');
      await tx.query('insert into u values (1)').catch(() => undefined); // swallowed by mistake
    })).rejects.toMatchObject({ code: '25P02' });
    expect((await db.query('select count(*)::int as n from u')).rows).toEqual([{ n: 0 }]);
    await db.close();
  });
});
