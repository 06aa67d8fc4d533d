import type { Server } from 'restify';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { requireRole, type CoordinatorAuthenticator } from '../../http/coordinator-auth.js';
import { Forbidden } from '../../http/errors.js';
import { route } from '../../http/route.js';
import { onCallAt } from '../on-call.js';
import type { RotaSource } from '../rota-file.js';
import { openAlerts } from './sql/alerts.js';
import { watchdogAgeSeconds } from './sql/paging-health.js';
import { WATCHDOG_EVERY_SECONDS } from './watchdog.js';

/** The watchdog is late after three of its intervals: then nothing is running jobs (or it is failing). */
const WATCHDOG_LATE_SECONDS = 3 * WATCHDOG_EVERY_SECONDS;

/**
 * GET /api/oncall/status (Coordinator or Admin): who is on call now (ids and names, never phone numbers), the
 * open alerts, and whether the watchdog is running. 200 "ok" or "alert", so a monitor can poll it too.
 */
export function registerOncallStatusRoute(server: Server, deps: { db: Database; rota: RotaSource; clock: Clock; auth: CoordinatorAuthenticator }): void {
  server.get('/api/oncall/status', route(async (req) => {
    await requireRole(deps.auth, req, 'Coordinator').catch(async (err: unknown) => {
      if (err instanceof Forbidden) return requireRole(deps.auth, req, 'Admin');
      throw err;
    });
    const [alerts, age] = await Promise.all([openAlerts(deps.db), watchdogAgeSeconds(deps.db)]);
    const watchdogLate = age === null || age > WATCHDOG_LATE_SECONDS;
    const rota = deps.rota.current();
    const cover = rota ? onCallAt(rota, deps.clock.now()) : undefined;
    const who = (p: { id: string; name: string } | undefined) => (p ? { id: p.id, name: p.name } : null);
    return {
      status: 200,
      body: {
        // No rota: nobody can be paged, which is as much an alert as a failing Twilio.
        status: alerts.length > 0 || watchdogLate || !rota ? 'alert' : 'ok',
        alerts,
        watchdog: { lastRunSecondsAgo: age === null ? null : Math.round(age), late: watchdogLate },
        onCall: cover === undefined
          ? { source: 'no-rota' }
          : {
            source: cover.source,
            primary: cover.source === 'gap' ? null : who(cover.primary),
            backup: cover.source === 'gap' ? null : who(cover.backup),
            final: who(cover.final),
            until: cover.until?.toISOString() ?? null,
          },
      },
    };
  }));
}
