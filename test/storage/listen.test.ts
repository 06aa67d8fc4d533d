import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notify, type Database } from '../../src/db/database.js';
import { LISTENER_APPLICATION_NAME } from '../../src/db/postgres-listener.js';
import { engines, eventually, hearing, type OpenedEngine } from '../support/engines.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

for (const engine of engines) {
  describe.skipIf(!engine.available)(`listening for notifications on ${engine.name}`, () => {
    let opened: OpenedEngine;
    let db: Database;
    beforeAll(async () => {
      opened = await engine.open();
      db = opened.db;
    });
    afterAll(async () => opened.cleanup());

    it('hears a notification sent inside a committed transaction, when it commits', async () => {
      const ear = hearing();
      const unlisten = await db.listen('committed', ear.onNotify);
      await db.transaction(async (tx) => {
        await notify(tx, 'committed', 'one');
        await tx.query('select pg_sleep(0.05)');
        expect(ear.heard).toEqual([]);
      });
      expect(await ear.until(1)).toEqual(['one']);
      await unlisten();
    });

    it('never hears one from a transaction that rolled back', async () => {
      const ear = hearing();
      const unlisten = await db.listen('rolled_back', ear.onNotify);
      await expect(db.transaction(async (tx) => {
        await notify(tx, 'rolled_back', 'lost');
        throw new Error('changed my mind');
      })).rejects.toThrow('changed my mind');
      // Notifications arrive in commit order: once the later one is here, the rolled-back one never will be.
      await notify(db, 'rolled_back', 'later');
      expect(await ear.until(1)).toEqual(['later']);
      await unlisten();
    });

    it('stops delivering to a listener once it unlistens, and keeps delivering to the others', async () => {
      const [first, second, elsewhere] = [hearing(), hearing(), hearing()];
      const unlistenFirst = await db.listen('shared', first.onNotify);
      const unlistenSecond = await db.listen('shared', second.onNotify);
      const unlistenElsewhere = await db.listen('elsewhere', elsewhere.onNotify);
      await notify(db, 'shared', 'both');
      await second.until(1);
      await first.until(1);
      await unlistenFirst();
      await notify(db, 'shared', 'second only');
      await second.until(2);
      // The channel's last listener gone: nothing for it, while another channel still hears.
      await unlistenSecond();
      await notify(db, 'shared', 'nobody');
      await notify(db, 'elsewhere', 'after');
      await elsewhere.until(1);
      expect(first.heard).toEqual(['both']);
      expect(second.heard).toEqual(['both', 'second only']);
      await unlistenElsewhere();
    });

    it('hears a notification sent outside any transaction, with its payload intact', async () => {
      const ear = hearing();
      const unlisten = await db.listen('plain', ear.onNotify);
      await notify(db, 'plain', '{"jobId":"42","note":"ünïcode ✓"}');
      await notify(db, 'plain');
      expect(await ear.until(2)).toEqual(['{"jobId":"42","note":"ünïcode ✓"}', '']);
      await unlisten();
    });

    it('refuses a channel that is not a lower-case identifier', async () => {
      for (const bad of ['Jobs', 'jobs; drop table jobs', '1jobs', '', 'a"b', 'x'.repeat(64)]) {
        await expect(db.listen(bad, () => undefined)).rejects.toThrow(/not a notification channel/);
        await expect(notify(db, bad, 'x')).rejects.toThrow(/not a notification channel/);
      }
    });

    it('reports a listener that throws, and the others still hear', async () => {
      const ear = hearing();
      const unlistenBad = await db.listen('throwing', () => {
        throw new Error('listener bug');
      });
      const unlisten = await db.listen('throwing', ear.onNotify);
      await notify(db, 'throwing', 'x');
      await ear.until(1);
      expect(opened.events).toContainEqual(expect.objectContaining({ event: 'listener-callback-failed', channel: 'throwing' }));
      await unlistenBad();
      await unlisten();
    });

    it.skipIf(engine.kind !== 'postgres')('hears a notification sent by another connection pool and by another process', async () => {
      const ear = hearing();
      const unlisten = await db.listen('from_afar', ear.onNotify);
      const other = await opened.another();
      await other.transaction((tx) => notify(tx, 'from_afar', 'another pool'));
      await ear.until(1);
      const script = `import pg from 'pg'; const c = new pg.Client(process.env.URL); await c.connect();
        await c.query("select pg_notify('from_afar', 'another process')"); await c.end();`;
      await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env: { ...process.env, URL: opened.url } });
      expect(await ear.until(2)).toEqual(['another pool', 'another process']);
      await unlisten();
    });

    it.skipIf(engine.kind !== 'postgres')('listens again after the server ends its connection, and hears later notifications', async () => {
      const ear = hearing();
      const unlisten = await db.listen('survivor', ear.onNotify);
      const other = await opened.another();
      const before = opened.events.length;
      const terminate = () => other.query<{ ended: boolean }>(
        `select pg_terminate_backend(pid) as ended from pg_stat_activity where application_name = $1 and datname = current_database()`,
        [LISTENER_APPLICATION_NAME],
      );
      expect((await terminate()).rows).toEqual([{ ended: true }]);
      await eventually(() => opened.events.slice(before).some((e) => e.event === 'listener-restored'));
      expect(opened.events.slice(before).map((e) => e.event)).toEqual(['listener-lost', 'listener-restored']);
      await other.transaction((tx) => notify(tx, 'survivor', 'after'));
      expect(await ear.until(1)).toEqual(['after']);
      // And again: each loss is recovered from, not only the first.
      expect((await terminate()).rows).toEqual([{ ended: true }]);
      await eventually(() => opened.events.slice(before).filter((e) => e.event === 'listener-restored').length === 2);
      await notify(other, 'survivor', 'again');
      expect(await ear.until(2)).toEqual(['after', 'again']);
      await unlisten();
    });
  });
}
