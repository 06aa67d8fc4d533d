import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { claimDueJobs } from '../../src/jobs/claim.js';
import { JobLeaseLost, JobRunner, type JobContext, type JobRunnerOptions } from '../../src/jobs/job-runner.js';
import { cancel, schedule } from '../../src/jobs/schedule.js';
import { createLogger } from '../../src/logging.js';
import { engines, eventually, type OpenedEngine } from '../support/engines.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A runner whose log lines are kept, to check what they say (and what they must not). */
function runnerOn(db: Database, options: Partial<JobRunnerOptions> = {}) {
  let log = '';
  const destination = new Writable({ write: (chunk, _e, done) => ((log += chunk.toString()), done()) });
  const runner = new JobRunner({ db, logger: createLogger({ level: 'info', destination }), retryBaseSeconds: 10, ...options });
  return { runner, log: () => log, lines: () => log.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** A handler that records each run (job id and payload). */
function recorder() {
  const runs: { id: string; payload: unknown; attempt: number }[] = [];
  return { runs, run: async (job: JobContext) => void runs.push({ id: job.id, payload: job.payload, attempt: job.attempt }) };
}

let unique = 0;
const nameFor = (what: string) => `${what}-${++unique}`;

const stateOf = async (db: Database, id: string) =>
  (await db.query<{ state: string; attempts: number; last_error: string | null }>('select state, attempts, last_error from jobs where id = $1', [id])).rows[0];

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the job runner on ${engine.name}`, () => {
    let opened: OpenedEngine;
    let db: Database;
    beforeAll(async () => {
      opened = await engine.open();
      db = opened.db;
      await db.query('create table job_effects (job_id text not null, runner text not null)');
    });
    afterAll(async () => opened.cleanup());

    it('runs a scheduled job once when it is due, and not before', async () => {
      const name = nameFor('reminder');
      const { runner } = runnerOn(db);
      const handler = recorder();
      runner.register(name, handler.run);
      const id = await schedule(db, { name, payload: { concernId: 'c-1' }, inSeconds: 600 });
      expect(await runner.runDue()).toBe(0);
      expect(await runner.runDue({ asIfSecondsLater: 590 })).toBe(0);
      expect(await runner.runDue({ asIfSecondsLater: 601 })).toBe(1);
      expect(handler.runs).toEqual([{ id, payload: { concernId: 'c-1' }, attempt: 1 }]);
      expect(await runner.runDue({ asIfSecondsLater: 100_000 })).toBe(0);
      expect(await stateOf(db, id!)).toMatchObject({ state: 'done', attempts: 1 });
    });

    it('commits a job with the transaction that scheduled it, and drops it with one that rolled back', async () => {
      const name = nameFor('with-change');
      const { runner } = runnerOn(db);
      const handler = recorder();
      runner.register(name, handler.run);
      await expect(db.transaction(async (tx) => {
        await schedule(tx, { name, payload: { which: 'rolled back' } });
        throw new Error('the business change failed');
      })).rejects.toThrow('the business change failed');
      await db.transaction((tx) => schedule(tx, { name, payload: { which: 'committed' } }));
      expect(await runner.runDue()).toBe(1);
      expect(handler.runs.map((r) => r.payload)).toEqual([{ which: 'committed' }]);
    });

    it('schedules a job once per singleton key while one waits, and again once it has run', async () => {
      const name = nameFor('escalate');
      const { runner } = runnerOn(db);
      const handler = recorder();
      runner.register(name, handler.run);
      const key = `${name}:concern-1`;
      const first = await schedule(db, { name, payload: { n: 1 }, inSeconds: 300, singletonKey: key });
      expect(first).toBeDefined();
      const [again, concurrent] = await Promise.all([
        schedule(db, { name, payload: { n: 2 }, inSeconds: 10, singletonKey: key }),
        db.transaction((tx) => schedule(tx, { name, payload: { n: 3 }, singletonKey: key })),
      ]);
      expect([again, concurrent]).toEqual([undefined, undefined]);
      // The first one stands, its time and payload too.
      expect(await runner.runDue({ asIfSecondsLater: 60 })).toBe(0);
      expect(await runner.runDue({ asIfSecondsLater: 301 })).toBe(1);
      expect(handler.runs.map((r) => r.payload)).toEqual([{ n: 1 }]);
      expect(await schedule(db, { name, payload: { n: 4 }, singletonKey: key })).toBeDefined();
      expect(await runner.runDue()).toBe(1);
      expect(handler.runs.map((r) => r.payload)).toEqual([{ n: 1 }, { n: 4 }]);
    });

    it('never runs a cancelled job', async () => {
      const name = nameFor('cancelled');
      const { runner } = runnerOn(db);
      const handler = recorder();
      runner.register(name, handler.run);
      const key = `${name}:concern-2`;
      const id = await schedule(db, { name, inSeconds: 60, singletonKey: key });
      const other = await schedule(db, { name, inSeconds: 60, singletonKey: `${key}-other` });
      expect(await db.transaction((tx) => cancel(tx, key))).toBe(1);
      expect(await cancel(db, key)).toBe(0);
      expect(await runner.runDue({ asIfSecondsLater: 100_000 })).toBe(1);
      expect(handler.runs.map((r) => r.id)).toEqual([other]);
      expect(await stateOf(db, id!)).toMatchObject({ state: 'cancelled', attempts: 0 });
    });

    it('retries a failing handler with back-off, then gives it up as dead, logging its id and name only', async () => {
      const name = nameFor('failing');
      const { runner, log, lines } = runnerOn(db, { retryBaseSeconds: 10 });
      const dead: string[] = [];
      let runs = 0;
      runner.register(name, async () => {
        runs++;
        throw new Error('pager refused 9434765919');
      }, { onDead: async (job) => void dead.push(job.id) });
      const id = await schedule(db, { name, payload: { nhsNumber: '9434765919', phone: '+447700900123' }, maxAttempts: 3 });
      expect(await runner.runDue()).toBe(1);
      expect(await stateOf(db, id!)).toMatchObject({ state: 'pending', attempts: 1 });
      // Retry 1 after 10 s, retry 2 after 20 s more (counted from when attempt 2 failed, at +11 s).
      expect(await runner.runDue({ asIfSecondsLater: 9 })).toBe(0);
      expect(await runner.runDue({ asIfSecondsLater: 11 })).toBe(1);
      expect(await runner.runDue({ asIfSecondsLater: 30 })).toBe(0);
      expect(await runner.runDue({ asIfSecondsLater: 32 })).toBe(1);
      expect(runs).toBe(3);
      expect(await stateOf(db, id!)).toEqual({ state: 'dead', attempts: 3, last_error: 'pager refused 9434765919' });
      expect(dead).toEqual([id]);
      expect(await runner.runDue({ asIfSecondsLater: 100_000 })).toBe(0);
      expect(lines().filter((l) => l.event === 'job-retry').map((l) => [l.jobId, l.job, l.attempt, l.retryInSeconds]))
        .toEqual([[id, name, 1, 10], [id, name, 2, 20]]);
      expect(lines().filter((l) => l.event === 'job-dead')).toEqual([expect.objectContaining({ jobId: id, job: name, attempts: 3, level: 50 })]);
      expect(log()).not.toMatch(/9434765919|447700900123|pager refused/);
    });

    it('runs a job again elsewhere, exactly once, when its runner died holding it', async () => {
      const name = nameFor('crash');
      const elsewhere = runnerOn(await opened.another());
      const handler = recorder();
      elsewhere.runner.register(name, handler.run, { leaseSeconds: 30 });
      const id = await schedule(db, { name, payload: { step: 'page' } });
      // A runner claims it and dies: never finishes, never fails.
      expect(await claimDueJobs(db, { aheadSeconds: 0, handled: [{ name, leaseSeconds: 30 }], lockedBy: 'died', limit: 10 }))
        .toMatchObject([{ id, attempts: 1 }]);
      expect(await elsewhere.runner.runDue()).toBe(0);
      expect(await elsewhere.runner.runDue({ asIfSecondsLater: 29 })).toBe(0);
      expect(await elsewhere.runner.runDue({ asIfSecondsLater: 31 })).toBe(1);
      expect(handler.runs).toEqual([{ id, payload: { step: 'page' }, attempt: 2 }]);
      expect(await elsewhere.runner.runDue({ asIfSecondsLater: 100_000 })).toBe(0);
      expect(await stateOf(db, id!)).toMatchObject({ state: 'done', attempts: 2 });
    });

    it('gives up a job whose runner died on its last attempt, without running it again', async () => {
      const name = nameFor('crash-last');
      const { runner, lines } = runnerOn(db);
      const handler = recorder();
      const dead: string[] = [];
      runner.register(name, handler.run, { leaseSeconds: 30, onDead: async (job) => void dead.push(job.id) });
      const id = await schedule(db, { name, maxAttempts: 1 });
      await claimDueJobs(db, { aheadSeconds: 0, handled: [{ name, leaseSeconds: 30 }], lockedBy: 'died', limit: 10 });
      expect(await runner.runDue({ asIfSecondsLater: 31 })).toBe(0);
      expect(handler.runs).toEqual([]);
      expect(await stateOf(db, id!)).toMatchObject({ state: 'dead', attempts: 1 });
      expect(dead).toEqual([id]);
      expect(lines().find((l) => l.event === 'job-dead')).toMatchObject({ jobId: id, job: name, reason: 'lease-expired' });
    });

    it('commits a handler\'s writes with "done" in one transaction, so a run that lost its lease writes nothing', async () => {
      const name = nameFor('atomic');
      const slow = runnerOn(db);
      const quick = runnerOn(await opened.another());
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let slowStarted!: () => void;
      const started = new Promise<void>((r) => (slowStarted = r));
      const write = (who: string) => async (job: JobContext) => {
        if (who === 'slow') {
          slowStarted();
          await released;
        }
        await db.transaction(async (tx) => {
          await tx.query('insert into job_effects (job_id, runner) values ($1, $2)', [job.id, who]);
          await job.complete(tx);
        });
      };
      slow.runner.register(name, write('slow'), { leaseSeconds: 30 });
      quick.runner.register(name, write('quick'), { leaseSeconds: 30 });
      const id = await schedule(db, { name });
      const slowRun = slow.runner.runDue();
      await started;
      // The slow run is past its lease: another runner takes the job and finishes it.
      expect(await quick.runner.runDue({ asIfSecondsLater: 31 })).toBe(1);
      release();
      expect(await slowRun).toBe(1);
      expect((await db.query('select runner from job_effects where job_id = $1', [id])).rows).toEqual([{ runner: 'quick' }]);
      expect(await stateOf(db, id!)).toMatchObject({ state: 'done', attempts: 2 });
      // Its complete(tx) threw JobLeaseLost, which rolled its write back and ended its run as a failure that lost the job.
      expect(slow.lines().find((l) => l.event === 'job-lease-lost')).toMatchObject({ jobId: id, attempt: 1, err: { type: JobLeaseLost.name } });
    });

    it('runs each of 200 due jobs exactly once with several runners claiming at the same time', async () => {
      const name = nameFor('many');
      await db.transaction(async (tx) => {
        for (let i = 0; i < 200; i++) await schedule(tx, { name, payload: { i } });
      });
      const child = engine.kind === 'postgres' ? await childRunner(opened.url!, name, 'process') : undefined;
      const runners = await Promise.all(['a', 'b'].map(async (label) => {
        const { runner } = runnerOn(label === 'a' ? db : await opened.another(), { concurrency: 5 });
        runner.register(name, async (job) => {
          await new Promise((r) => setTimeout(r, 20));
          await db.query('insert into job_effects (job_id, runner) values ($1, $2)', [job.id, label]);
        });
        return runner;
      }));
      child?.go();
      const drain = async (runner: JobRunner) => {
        while ((await runner.runDue()) > 0);
      };
      await Promise.all([...runners.map(drain), child?.done]);
      const { rows } = await db.query<{ runs: number; jobs: number; runners: string[] }>(
        `select count(*)::int as runs, count(distinct e.job_id)::int as jobs, array_agg(distinct e.runner order by e.runner) as runners
         from job_effects e join jobs j on j.id::text = e.job_id where j.name = $1`, [name]);
      expect(rows[0]).toMatchObject({ runs: 200, jobs: 200 });
      expect(rows[0]!.runners).toEqual(engine.kind === 'postgres' ? ['a', 'b', 'process'] : ['a', 'b']);
      const { rows: states } = await db.query('select state, attempts, count(*)::int as n from jobs where name = $1 group by 1, 2', [name]);
      expect(states).toEqual([{ state: 'done', attempts: 1, n: 200 }]);
    });

    it('wakes for a job scheduled sooner than its next poll, from any connection', async () => {
      const name = nameFor('wake');
      const { runner } = runnerOn(db, { pollMs: 60_000 });
      const handler = recorder();
      runner.register(name, handler.run);
      runner.start();
      try {
        // Past its first pass (nothing due), asleep until the minute's poll.
        await new Promise((r) => setTimeout(r, 300));
        const other = await opened.another();
        const startedAt = Date.now();
        await other.transaction((tx) => schedule(tx, { name, payload: { n: 1 } }));
        await eventually(() => handler.runs.length === 1, 5_000);
        expect(Date.now() - startedAt).toBeLessThan(3_000);
        // One due a second from now: woken then, not at the minute's poll.
        await schedule(other, { name, payload: { n: 2 }, inSeconds: 1 });
        await eventually(() => handler.runs.length === 2, 5_000);
        expect(Date.now() - startedAt).toBeGreaterThanOrEqual(900);
      } finally {
        await runner.stop();
      }
    });

    it('runs jobs overdue at start-up at once, once, also one whose runner died before the restart', async () => {
      const name = nameFor('overdue');
      await schedule(db, { name, payload: { n: 1 }, inSeconds: 0 });
      await schedule(db, { name, payload: { n: 2 }, runAt: new Date(Date.now() - 3_600_000) });
      await schedule(db, { name, payload: { n: 3 } });
      // Claimed by the process that is about to stop, with a lease already over.
      await claimDueJobs(db, { aheadSeconds: 0, handled: [{ name, leaseSeconds: 0 }], lockedBy: 'before-restart', limit: 1 });
      db = await opened.restart();
      const { runner } = runnerOn(db, { pollMs: 60_000 });
      const handler = recorder();
      runner.register(name, handler.run);
      const startedAt = Date.now();
      runner.start();
      try {
        await eventually(() => handler.runs.length === 3);
        expect(Date.now() - startedAt).toBeLessThan(3_000);
        await new Promise((r) => setTimeout(r, 300));
        expect(handler.runs.map((r) => r.payload)).toEqual(expect.arrayContaining([{ n: 1 }, { n: 2 }, { n: 3 }]));
        expect(handler.runs).toHaveLength(3);
      } finally {
        await runner.stop();
      }
    });
  });
}

/** A job runner in a process of its own (PostgreSQL only): ready when it says so, claiming once told to go. */
async function childRunner(url: string, name: string, label: string): Promise<{ go: () => void; done: Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/job-runner-process.ts', url, name, label], {
    cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await Promise.race([
    eventually(() => output.includes('ready'), 30_000),
    exited.then((code) => { throw new Error(`job runner process exited (${code}):\n${output}`); }),
  ]);
  return {
    go: () => child.stdin.end('go\n'),
    done: exited.then((code) => {
      if (code !== 0) throw new Error(`job runner process failed (${code}):\n${output}`);
    }),
  };
}
