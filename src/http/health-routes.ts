import type { Server } from 'restify';
import type { Database } from '../db/database.js';
import type { KnowledgeBase } from '../knowledge/types.js';
import type { EmergencySpool } from '../safety/emergency-spool.js';

/**
 * /healthz: the process is alive. /readyz: knowledge is loaded and storage answers (within the ping's timeout),
 * with the number of emergencies waiting in the local spool for storage (0 when all is well).
 */
export function registerHealthRoutes(server: Server, deps: { db: Database; knowledge: KnowledgeBase; spool?: Pick<EmergencySpool, 'depth'> }): void {
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  server.get('/readyz', async (_req, res) => {
    const storage = await deps.db.ping();
    const articles = deps.knowledge.articleCount();
    const ready = storage && articles > 0;
    const emergencySpool = deps.spool?.depth() ?? 0;
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', storage, articles, emergencySpool });
  });
}
