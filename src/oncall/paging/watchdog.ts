import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import type { JobContext } from '../../jobs/job-runner.js';
import { schedule } from '../../jobs/schedule.js';
import type { Logger } from '../../logging.js';
import type { RotaSource } from '../rota-file.js';
import { alertText, consoleUrlOf } from './page-text.js';
import { clearAlert, markFinalPaged, openAlerts, raiseAlert, type AlertKind } from './sql/alerts.js';
import { oldestUnclaimed, overduePageSteps, pagingFailing, recordWatchdogRun, unpagedConcerns } from './sql/paging-health.js';
import type { StaffPager } from './staff-pager.js';
import { startPaging } from './start-paging.js';

export const WATCHDOG_JOB = 'paging-watchdog';

type About = { what: string; reference?: string; concernId?: string };
const WATCHDOG_KEY = 'paging-watchdog';
/** How often it looks. */
export const WATCHDOG_EVERY_SECONDS = 60;
/** A page step this late on the database clock means no instance is running jobs. */
const STALLED_AFTER_SECONDS = 120;
/** Page outcomes this recent count towards "paging is failing". */
const FAILURE_WINDOW_MINUTES = 30;

export interface WatchdogDeps {
  db: Database;
  rota: RotaSource;
  clock: Clock;
  pager: StaffPager | undefined;
  /** PAGE_WATCHDOG_MINUTES. */
  unclaimedMinutes: number;
  baseUrl: () => string;
  logger: Logger;
}

/** Schedules the watchdog unless it already waits (every instance calls this at start; one job results). */
export async function startWatchdog(db: Database): Promise<void> {
  await schedule(db, { name: WATCHDOG_JOB, singletonKey: WATCHDOG_KEY, maxAttempts: 1_000 });
}

/**
 * The recurring check behind paging: starts any chain a crash missed, and raises an alert (shown at
 * /api/oncall/status) and pages the final contact once per incident when an emergency or urgent concern has
 * waited unclaimed past PAGE_WATCHDOG_MINUTES, or paging itself is failing (Twilio errors, no rota, jobs not
 * running). An incident ends when its condition does; the next one is raised afresh.
 */
export function watchdogHandler(deps: WatchdogDeps) {
  const log = deps.logger.child({ component: 'paging-watchdog' });
  return async (job: JobContext): Promise<void> => {
    const { db } = deps;
    await recordWatchdogRun(db);
    for (const concern of await unpagedConcerns(db)) {
      await startPaging(db, concern);
      log.warn({ event: 'paging-restarted', concernId: concern.id }, 'an unclaimed concern had no paging chain; paging starts');
    }

    const oldest = await oldestUnclaimed(db);
    const waitedMinutes = oldest ? (deps.clock.now().getTime() - oldest.createdAt.getTime()) / 60_000 : 0;
    if (oldest && waitedMinutes >= deps.unclaimedMinutes) {
      await incident('unclaimed-concern', 'queue', {
        what: `${oldest.priority} unclaimed for ${Math.floor(waitedMinutes)} minutes`, reference: oldest.reference, concernId: oldest.id,
      });
    } else await clearAlert(db, 'unclaimed-concern', 'queue');

    const failing = await pagingFailing(db, FAILURE_WINDOW_MINUTES);
    if (failing.failing) await incident('paging-failing', 'pages', { what: `pages are failing (${failing.failures} in ${FAILURE_WINDOW_MINUTES} minutes)` });
    else await recovered('paging-failing', 'pages', { what: `pages were failing (${failing.failures} in ${FAILURE_WINDOW_MINUTES} minutes), working again` });

    const overdue = await overduePageSteps(db, STALLED_AFTER_SECONDS);
    if (overdue > 0) await incident('paging-stalled', 'jobs', { what: `${overdue} page steps are overdue: jobs are not running` });
    else await recovered('paging-stalled', 'jobs', { what: 'page steps were overdue (jobs not running), running again' });

    await db.transaction(async (tx) => {
      await schedule(tx, { name: WATCHDOG_JOB, singletonKey: WATCHDOG_KEY, inSeconds: job.aheadSeconds + WATCHDOG_EVERY_SECONDS, maxAttempts: 1_000 });
      await job.complete(tx);
    });
  };

  /** Opens the incident once; pages the final contact until one page of it has gone (then never again for it). */
  async function incident(kind: AlertKind, subject: string, about: About): Promise<void> {
    const { db } = deps;
    const raised = await raiseAlert(db, { kind, subject, concernId: about.concernId, detail: { what: about.what, reference: about.reference } });
    if (raised) log.error({ event: 'oncall-alert', kind, concernId: about.concernId }, 'on-call alert raised');
    const alert = (await openAlerts(db)).find((a) => a.kind === kind && a.subject === subject);
    if (alert && !alert.finalPagedAt) await pageFinal(alert.id, kind, about, raised);
  }

  /**
   * The condition has passed. A paging failure the final contact never heard of (Twilio was down for their page
   * too) is told to them before it is closed: someone may have gone unpaged meanwhile.
   */
  async function recovered(kind: AlertKind, subject: string, about: About): Promise<void> {
    const alert = (await openAlerts(deps.db)).find((a) => a.kind === kind && a.subject === subject);
    if (!alert) return;
    if (!alert.finalPagedAt && !(await pageFinal(alert.id, kind, about, false))) return;
    await clearAlert(deps.db, kind, subject);
  }

  /** True once the final contact has been paged about this alert (or nobody could ever be: no rota, no Twilio). */
  async function pageFinal(alertId: string, kind: AlertKind, about: About, firstTime: boolean): Promise<boolean> {
    const final = deps.rota.current()?.final;
    if (!final || !deps.pager) {
      if (firstTime) log.error({ event: 'oncall-alert-not-paged', kind, reason: final ? 'paging-not-configured' : 'no-rota' }, 'on-call alert: nobody can be paged');
      return true;
    }
    const link = about.concernId ? consoleUrlOf(deps.baseUrl(), about.concernId) : `${deps.baseUrl().replace(/\/$/, '')}/api/oncall/status`;
    try {
      await deps.pager.page(final.phone, alertText({ what: about.what, reference: about.reference, consoleUrl: link }));
      await markFinalPaged(deps.db, alertId);
      log.warn({ event: 'oncall-alert-paged', kind }, 'final contact paged about an on-call alert');
      return true;
    } catch (err) {
      log.error({ err, event: 'oncall-alert-page-failed', kind }, 'final contact could not be paged about an alert; trying again next tick');
      return false;
    }
  }
}
