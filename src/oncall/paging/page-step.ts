import { z } from 'zod';
import type { Clock } from '../../clock.js';
import { addConcernEvent } from '../../concerns/sql/add-event.js';
import type { Database } from '../../db/database.js';
import type { JobContext } from '../../jobs/job-runner.js';
import { schedule } from '../../jobs/schedule.js';
import type { Logger } from '../../logging.js';
import { onCallAt } from '../on-call.js';
import type { RotaSource } from '../rota-file.js';
import { pagingChain } from './chain.js';
import { consoleUrlOf, pageText } from './page-text.js';
import { pageableConcern } from './sql/pageable-concern.js';
import { beginPage, finishPage } from './sql/staff-pages.js';
import type { StaffPager } from './staff-pager.js';
import { PAGE_STEP_JOB, pagingKey, type PageStep } from './start-paging.js';

export interface PagingSettings {
  /** PAGE_ACK_EMERGENCY_MINUTES, PAGE_ACK_URGENT_MINUTES. */
  ackMinutes: { emergency: number; urgent: number };
}

export interface PageStepDeps {
  db: Database;
  rota: RotaSource;
  /** The rota is read at this clock's time (tests move it with the jobs' time). */
  clock: Clock;
  /** Undefined: Twilio is not configured, and every page fails (the watchdog says so). */
  pager: StaffPager | undefined;
  settings: PagingSettings;
  /** PUBLIC_BASE_URL, or the listening address. */
  baseUrl: () => string;
  logger: Logger;
}

/** A step that could not be sent moves on to the next person this soon, rather than waiting a whole ack time. */
export const FAILED_PAGE_NEXT_SECONDS = 60;

const stepSchema = z.object({ concernId: z.uuid(), round: z.number().int().min(1), step: z.number().int().min(0) });

/**
 * One step of a concern's chain: if it is still nobody's, page the next person (primary, backup, final, then
 * round again) and schedule the step after, one acknowledgement time later, under the concern's key, so that a
 * claim (which cancels the key) stops it. Exactly once per step across instances and restarts: the job runner
 * gives a step to one runner; a step already sent (its run crashed after Twilio took it) is not sent again.
 */
export function pageStepHandler(deps: PageStepDeps) {
  return async (job: JobContext): Promise<void> => {
    const { db } = deps;
    const payload = stepSchema.parse(job.payload);
    const log = deps.logger.child({ component: 'paging', concernId: payload.concernId, round: payload.round, step: payload.step });
    const concern = await pageableConcern(db, payload.concernId);
    if (!concern?.needsPaging) {
      log.info({ event: 'paging-stopped' }, 'concern claimed, resolved or no longer urgent: paging stops');
      return;
    }
    const ackSeconds = 60 * (concern.priority === 'emergency' ? deps.settings.ackMinutes.emergency : deps.settings.ackMinutes.urgent);
    const rota = deps.rota.current();
    const chain = rota ? pagingChain(onCallAt(rota, deps.clock.now())) : [];
    if (chain.length === 0) {
      // No rota is the documented "no one is on call" (README; /api/oncall/status says so): no event every minute
      // on every concern, but the chain waits, so that a rota put in place pages at once.
      await db.transaction(async (tx) => {
        await scheduleStep(tx, payload, job.aheadSeconds + FAILED_PAGE_NEXT_SECONDS);
        await job.complete(tx);
      });
      log.warn({ event: 'page-no-rota' }, 'no rota in force: nobody can be paged');
      return;
    }
    // The chain may have grown shorter since the last step (a rota edit, a gap starting): past its end is a new round.
    const at: PageStep = payload.step < chain.length ? payload : { concernId: concern.id, round: payload.round + 1, step: 0 };
    const target = chain[at.step]!;
    const next: PageStep = at.step + 1 < chain.length ? { ...at, step: at.step + 1 } : { concernId: concern.id, round: at.round + 1, step: 0 };
    const escalated = at.round > 1 || at.step > 0;
    const about = { round: at.round, step: at.step, role: target.role, person: target.person.id };

    const before = await beginPage(db, { concernId: concern.id, round: at.round, step: at.step, role: target.role, personId: target.person.id });
    let sent = before === 'sent';
    if (!sent) {
      const text = pageText({ reference: concern.reference, priority: concern.priority, consoleUrl: consoleUrlOf(deps.baseUrl(), concern.id), round: at.round });
      try {
        if (!deps.pager) throw new Error('paging is not configured (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and PAGING_FROM_NUMBER or TWILIO_PHONE_NUMBER)');
        const { sid } = await deps.pager.page(target.person.phone, text);
        await db.transaction(async (tx) => {
          await finishPage(tx, at, { status: 'sent', sid });
          if (escalated) await addConcernEvent(tx, { concernId: concern.id, kind: 'page-escalated', data: { ...about, afterMinutes: ackSeconds / 60 } });
          await addConcernEvent(tx, { concernId: concern.id, kind: 'paged', data: about });
        });
        sent = true;
        log.info({ event: 'paged', role: target.role }, 'on-call page sent');
      } catch (err) {
        const error = err instanceof Error ? err.message : String(err);
        await db.transaction(async (tx) => {
          await finishPage(tx, at, { status: 'failed', error });
          await addConcernEvent(tx, { concernId: concern.id, kind: 'page-failed', data: { ...about, reason: 'send-failed' } });
        });
        log.error({ err, event: 'page-failed', role: target.role }, 'on-call page could not be sent; the next person is paged soon');
      }
    }
    await db.transaction(async (tx) => {
      await scheduleStep(tx, next, job.aheadSeconds + (sent ? ackSeconds : FAILED_PAGE_NEXT_SECONDS));
      // Throws (rolling the next step back) if a claim cancelled this chain meanwhile.
      await job.complete(tx);
    });
  };
}

function scheduleStep(tx: Parameters<typeof schedule>[0], step: PageStep, inSeconds: number) {
  return schedule(tx, { name: PAGE_STEP_JOB, payload: step, inSeconds, singletonKey: pagingKey(step.concernId), maxAttempts: 20 });
}
