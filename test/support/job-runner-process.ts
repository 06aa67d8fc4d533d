/**
 * A second instance's job runner, as its own process, for the tests of several runners on one PostgreSQL
 * database: `tsx test/support/job-runner-process.ts URL JOB_NAME LABEL`. It says "ready" once its handler is
 * registered, starts claiming when "go" arrives on stdin, records each run in job_effects under LABEL, and
 * exits when nothing is due any more.
 */
import { once } from 'node:events';
import { openPostgresDatabase } from '../../src/db/postgres-database.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { createLogger } from '../../src/logging.js';

const [url, jobName, label] = process.argv.slice(2) as [string, string, string];
const db = await openPostgresDatabase(url);
const runner = new JobRunner({ db, logger: createLogger({ level: 'silent' }), concurrency: 5 });
runner.register(jobName, async (job) => {
  await new Promise((r) => setTimeout(r, 20));
  await db.query('insert into job_effects (job_id, runner) values ($1, $2)', [job.id, label]);
});
process.stdout.write('ready\n');
await once(process.stdin, 'data');
process.stdin.destroy(); // an open stdin would keep this process alive
while ((await runner.runDue()) > 0);
await db.close();
process.stdout.write('done\n');
