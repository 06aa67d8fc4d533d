import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/database.js';
import type { Logger } from '../logging.js';
import { buryExpiredLastAttempts, claimDueJobs, secondsUntilNextDue, type ClaimedJob } from './claim.js';
import { completeJob, failJob } from './finish.js';
import { deleteFinishedJobs } from './purge.js';
import { JOBS_CHANNEL } from './schedule.js';

/** What a handler is given. Its payload is JSON as scheduled: parse it (zod) before trusting its shape. */
export interface JobContext {
  id: string;
  name: string;
  payload: unknown;
  /** This run's number, from 1. */
  attempt: number;
  maxAttempts: number;
  /** Aborted shortly before the lease ends: past it another runner may start the job again. */
  signal: AbortSignal;
  /**
   * How far ahead of the database's now() this run is (runDue's asIfSecondsLater; 0 in production). A handler
   * that schedules its own next step adds it to inSeconds, so that under a test's shifted time the chain keeps
   * its spacing instead of falling due again in the same runDue.
   */
  aheadSeconds: number;
  /**
   * Marks the job done inside the handler's own transaction, so its writes and "done" commit together and
   * a crash can never make it run them twice. Throws JobLeaseLost (rolling that transaction back) when this
   * run no longer holds the job. Optional: a handler that returns without it is marked done just after.
   */
  complete(tx: Queryable): Promise<void>;
}

export interface HandlerOptions {
  /** How long a run may take before the job counts as abandoned (its runner died) and is run again. */
  leaseSeconds?: number;
  /** Called once a job has failed for good (dead), to raise it somewhere a person looks (a dead letter). */
  onDead?: (job: { id: string; name: string; payload: unknown; attempts: number }) => Promise<void>;
}

interface Handler extends Required<Pick<HandlerOptions, 'leaseSeconds'>>, Pick<HandlerOptions, 'onDead'> {
  run: (job: JobContext) => Promise<void>;
}

export interface JobRunnerOptions {
  db: Database;
  logger: Logger;
  /** The longest it sleeps with nothing due; a job scheduled sooner wakes it by notification. */
  pollMs?: number;
  /** Jobs claimed and run at once. */
  concurrency?: number;
  /** First retry delay; it doubles with each failed attempt, up to `retryMaxSeconds`. */
  retryBaseSeconds?: number;
  retryMaxSeconds?: number;
}

export class JobLeaseLost extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} is no longer held by this run (cancelled, or its lease ran out)`);
    this.name = 'JobLeaseLost';
  }
}

const DEFAULT_LEASE_SECONDS = 60;
/** Never wakes sooner than this again: a due job another runner is claiming right now must not spin this one. */
const MIN_WAKE_MS = 50;
const PURGE_EVERY_MS = 60 * 60_000;

/**
 * Runs the jobs every feature schedules (schedule.ts), on whichever instance claims each first. Due-ness,
 * leases and retries are on the database's clock, never this process's, so instances agree. A job whose
 * handler succeeded is marked done and never runs again; a run cut off (the process died) runs again on
 * some instance once its lease has passed: handlers are written to be safe to run again after a crash, or
 * use complete(tx) to make their writes and "done" one commit.
 *
 * Tests and time: the app's Clock stamps business rows, and is the test's to move; the jobs table is on the
 * database's clock, which no test can move. So a test does not start() the runner but calls
 * runDue({ asIfSecondsLater }) : "run what would be due that many seconds from now", with leases and retries
 * counted from that shifted time too, and it moves its ManualClock by the same amount if its handlers read it.
 * Jobs are scheduled relative to the database's now() (inSeconds), so the two stay exact without sleeping.
 */
export class JobRunner {
  private readonly handlers = new Map<string, Handler>();
  private readonly runnerId = randomUUID();
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly retryBaseSeconds: number;
  private readonly retryMaxSeconds: number;
  private started = false;
  private stopping = false;
  private timer: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  /** A notification heard during a pass: where to wake after it. */
  private wakeAfterPass = Infinity;
  private passing: Promise<void> | undefined;
  private readonly running = new Set<Promise<void>>();
  private unlisten: Promise<(() => Promise<void>) | undefined> | undefined;
  private lastPurge = 0;

  constructor(private readonly options: JobRunnerOptions) {
    this.pollMs = options.pollMs ?? 15_000;
    this.concurrency = options.concurrency ?? 5;
    this.retryBaseSeconds = options.retryBaseSeconds ?? 10;
    this.retryMaxSeconds = options.retryMaxSeconds ?? 3_600;
  }

  /** The handler for jobs named `name`; this runner claims only jobs it has a handler for. */
  register(name: string, run: (job: JobContext) => Promise<void>, options: HandlerOptions = {}): void {
    if (this.handlers.has(name)) throw new Error(`a job handler for ${name} is already registered`);
    this.handlers.set(name, { run, leaseSeconds: options.leaseSeconds ?? DEFAULT_LEASE_SECONDS, onDead: options.onDead });
    if (this.started && !this.stopping) this.begin();
  }

  /**
   * Listens for newly scheduled jobs and runs what is due now (jobs overdue since a restart, first). With no
   * handler yet it stays idle, with no connection and no timer, until one is registered.
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    if (this.handlers.size > 0) this.begin();
  }

  /** Stops claiming, and waits for the jobs in hand to finish (so storage can close after). */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.passing;
    await Promise.all(this.running);
    const unlisten = await this.unlisten;
    await unlisten?.().catch(() => undefined);
    this.unlisten = undefined;
    this.started = false;
  }

  /**
   * Claims and runs everything due, batch after batch, until nothing is; returns how many runs it made.
   * `asIfSecondsLater` (tests only) runs what would be due that many seconds from the database's now().
   */
  async runDue({ asIfSecondsLater = 0 }: { asIfSecondsLater?: number } = {}): Promise<number> {
    const names = [...this.handlers.keys()];
    if (names.length === 0) return 0;
    for (const job of await buryExpiredLastAttempts(this.options.db, asIfSecondsLater, names)) {
      this.options.logger.error({ event: 'job-dead', jobId: job.id, job: job.name, attempts: job.attempts, reason: 'lease-expired' },
        'job abandoned on its last attempt: not run again');
      await this.raiseDead(job);
    }
    let runs = 0;
    while (!this.stopping) {
      const handled = [...this.handlers].map(([name, h]) => ({ name, leaseSeconds: h.leaseSeconds }));
      const batch = await claimDueJobs(this.options.db, { aheadSeconds: asIfSecondsLater, handled, lockedBy: this.runnerId, limit: this.concurrency });
      if (batch.length === 0) break;
      await Promise.all(batch.map((job) => this.track(this.runOne(job, asIfSecondsLater))));
      runs += batch.length;
    }
    return runs;
  }

  private async runOne(job: ClaimedJob, aheadSeconds: number): Promise<void> {
    const { db, logger } = this.options;
    const handler = this.handlers.get(job.name)!;
    const log = logger.child({ jobId: job.id, job: job.name, attempt: job.attempts });
    const claim = { id: job.id, attempts: job.attempts };
    const lease = new AbortController();
    // A tenth of the lease (at most 5 s) is left for recording the outcome.
    const leaseTimer = setTimeout(() => lease.abort(new JobLeaseLost(job.id)), Math.max(0, job.leaseSeconds * 1000 - Math.min(5_000, job.leaseSeconds * 100)));
    let completed = false;
    const context: JobContext = {
      id: job.id, name: job.name, payload: job.payload, attempt: job.attempts, maxAttempts: job.maxAttempts, signal: lease.signal,
      aheadSeconds,
      async complete(tx) {
        if (!(await completeJob(tx, claim))) throw new JobLeaseLost(job.id);
        completed = true;
      },
    };
    try {
      await handler.run(context);
    } catch (error) {
      clearTimeout(leaseTimer);
      await this.failed(job, handler, error, aheadSeconds, log);
      return;
    }
    clearTimeout(leaseTimer);
    if (completed || (await completeJob(db, claim))) log.info({ event: 'job-done' }, 'job done');
    else log.warn({ event: 'job-lease-lost' }, 'job finished after it was cancelled or its lease ran out');
  }

  private async failed(job: ClaimedJob, handler: Handler, error: unknown, aheadSeconds: number, log: Logger): Promise<void> {
    const retryInSeconds = Math.min(this.retryBaseSeconds * 2 ** (job.attempts - 1), this.retryMaxSeconds);
    const message = error instanceof Error ? error.message : String(error);
    const outcome = await failJob(this.options.db, job, { error: message, retryInSeconds, aheadSeconds });
    // The error by name and code only (serialiseError): its message can quote the payload; it is in last_error.
    if (outcome === 'retry') log.warn({ err: error, event: 'job-retry', retryInSeconds }, 'job failed; will retry');
    else if (outcome === 'superseded') log.warn({ err: error, event: 'job-superseded' }, 'job failed; not retried, its key was scheduled again');
    else if (outcome === 'lost') log.warn({ err: error, event: 'job-lease-lost' }, 'job failed after it was cancelled or its lease ran out');
    else {
      log.error({ err: error, event: 'job-dead', attempts: job.attempts }, 'job failed for good');
      await this.raiseDead({ id: job.id, name: job.name, payload: job.payload, attempts: job.attempts });
    }
  }

  private async raiseDead(job: { id: string; name: string; payload: unknown; attempts: number }): Promise<void> {
    try {
      await this.handlers.get(job.name)?.onDead?.(job);
    } catch (err) {
      this.options.logger.error({ err, event: 'job-dead-report-failed', jobId: job.id, job: job.name }, 'could not report a dead job');
    }
  }

  private begin(): void {
    this.unlisten ??= this.options.db.listen(JOBS_CHANNEL, (payload) => this.heard(payload)).catch((err: unknown) => {
      this.options.logger.warn({ err, event: 'jobs-listen-failed' }, 'job runner cannot listen for new jobs; polling only');
      return undefined;
    });
    this.wake(0);
  }

  /** A job was scheduled somewhere: wake when it is due, if that is sooner than planned. */
  private heard(payload: string): void {
    const dueInMs = Number(payload);
    const at = Date.now() + (Number.isFinite(dueInMs) ? Math.max(0, dueInMs) : 0);
    if (this.passing) this.wakeAfterPass = Math.min(this.wakeAfterPass, at);
    else this.wake(at - Date.now());
  }

  /** Sets the timer to `delayMs` from now unless it already goes off sooner. */
  private wake(delayMs: number): void {
    if (this.stopping || !this.started) return;
    const at = Date.now() + Math.max(0, delayMs);
    if (this.timer && this.wakeAt <= at) return;
    clearTimeout(this.timer);
    this.wakeAt = at;
    this.timer = setTimeout(() => void this.pass(), Math.max(0, delayMs));
  }

  private async pass(): Promise<void> {
    this.timer = undefined;
    this.wakeAt = Infinity;
    let nextMs = this.pollMs;
    this.passing = (async () => {
      try {
        await this.runDue();
        await this.purge();
        const seconds = await secondsUntilNextDue(this.options.db, 0, [...this.handlers.keys()]);
        if (seconds !== null) nextMs = Math.min(nextMs, Math.max(MIN_WAKE_MS, seconds * 1000));
      } catch (err) {
        this.options.logger.error({ err, event: 'jobs-pass-failed' }, 'job runner pass failed; trying again at the next poll');
      }
    })();
    await this.passing;
    this.passing = undefined;
    this.wake(nextMs);
    if (this.wakeAfterPass !== Infinity) this.wake(Math.max(MIN_WAKE_MS, this.wakeAfterPass - Date.now()));
    this.wakeAfterPass = Infinity;
  }

  /** Finished jobs are kept a week (dead ones a month) for inspection, then deleted; checked hourly. */
  private async purge(): Promise<void> {
    if (Date.now() - this.lastPurge < PURGE_EVERY_MS) return;
    this.lastPurge = Date.now();
    const deleted = await deleteFinishedJobs(this.options.db, { doneDays: 7, deadDays: 30 });
    if (deleted > 0) this.options.logger.info({ event: 'jobs-purged', deleted }, 'finished jobs deleted');
  }

  private track(run: Promise<void>): Promise<void> {
    const tracked = run.catch((err: unknown) =>
      this.options.logger.error({ err, event: 'job-outcome-unrecorded' }, 'a job ran but its outcome could not be recorded; it runs again after its lease'));
    this.running.add(tracked);
    return tracked.finally(() => this.running.delete(tracked));
  }
}
