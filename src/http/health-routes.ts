import type { Server } from 'restify';
import type { Database } from '../db/database.js';
import type { KnowledgeBase } from '../knowledge/types.js';

/** /healthz: the process is alive. /readyz: knowledge is loaded and storage answers. */
export function registerHealthRoutes(server: Server, deps: { db: Database; knowledge: KnowledgeBase }): void {
  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });
  server.get('/readyz', async (_req, res) => {
    const storage = await deps.db.ping();
    const articles = deps.knowledge.articleCount();
    const ready = storage && articles > 0;
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', storage, articles });
  });
}
