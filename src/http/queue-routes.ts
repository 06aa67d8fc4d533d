import type { Server } from 'restify';
import type { Database } from '../db/database.js';
import { listQueue } from '../queue/concern-queue.js';
import type { CoordinatorAuthenticator } from './coordinator-auth.js';
import { Unauthorized } from './errors.js';
import { route } from './route.js';

/** The co-ordinators' queue, most pressing first. Needs a signed-in co-ordinator. */
export function registerQueueRoutes(server: Server, deps: { db: Database; auth: CoordinatorAuthenticator }): void {
  server.get('/api/queue', route(async (req) => {
    const coordinator = await deps.auth.authenticate(req);
    if (!coordinator) throw new Unauthorized('sign in as a co-ordinator');
    const items = await listQueue(deps.db);
    return { status: 200, body: { items } };
  }));
}
