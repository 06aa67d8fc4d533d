import { afterEach, describe, expect, it } from 'vitest';
import { schedule } from '../../src/jobs/schedule.js';
import { eventually } from '../support/engines.js';
import { startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';

let server: RunningCarepoint | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('the job runner in a running Carepoint', () => {
  it('runs a job a feature registered, woken by its scheduling, and lets a job in hand finish on stop', async () => {
    server = await startCarepoint({ overrides: { jobs: { pollMs: 60_000 } } });
    const { carepoint } = server;
    const ran: string[] = [];
    let finishSlow!: () => void;
    const slowStarted = new Promise<void>((resolve) => (finishSlow = resolve));
    carepoint.jobs.register('test-quick', async (job) => void ran.push(job.id));
    carepoint.jobs.register('test-slow', async (job) => {
      finishSlow();
      await new Promise((r) => setTimeout(r, 300));
      ran.push(job.id);
    });
    const quick = await carepoint.db.transaction((tx) => schedule(tx, { name: 'test-quick', payload: { concernId: 'c-9' } }));
    await eventually(() => ran.includes(quick!), 3_000);
    const slow = await schedule(carepoint.db, { name: 'test-slow' });
    await slowStarted;
    // SIGTERM's path: the runner stops before storage closes, and the job it holds finishes first.
    const running = server;
    server = undefined;
    await running.stop();
    expect(ran).toEqual([quick, slow]);
    // The root's own jobs (the paging watchdog) run too; these are the test's.
    const done = running.logLines().filter((l) => l.event === 'job-done' && String(l.job).startsWith('test-'));
    expect(done.map((l) => [l.jobId, l.job])).toEqual([[quick, 'test-quick'], [slow, 'test-slow']]);
    expect(running.logText()).not.toContain('c-9');
  });
});
