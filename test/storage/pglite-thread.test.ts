import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPgliteDatabase } from '../../src/db/pglite-database.js';
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
