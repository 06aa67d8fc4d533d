import type { Server } from 'restify';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { decodeCursor, encodeCursor } from '../concerns/queue-cursor.js';
import { countQueue } from '../concerns/queue-counts.js';
import { listQueuePage, QUEUE_PAGE_MAX } from '../concerns/queue-page.js';
import type { CoordinatorAuthenticator } from '../http/coordinator-auth.js';
import { Invalid, Unauthorized } from '../http/errors.js';
import { route } from '../http/route.js';

const queueQuery = z.object({
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(QUEUE_PAGE_MAX).optional(),
});

/**
 * The co-ordinators' queue, most pressing first, a page at a time: `nextCursor` is there while there is more,
 * passed back as `?cursor=`. `counts` covers the whole queue, whichever page this is. Needs a signed-in co-ordinator.
 */
export function registerQueueRoutes(server: Server, deps: { db: Database; auth: CoordinatorAuthenticator }): void {
  server.get('/api/queue', route(async (req) => {
    const coordinator = await deps.auth.authenticate(req);
    if (!coordinator) throw new Unauthorized('sign in as a co-ordinator');
    const query = queueQuery.safeParse(req.query ?? {});
    if (!query.success) throw new Invalid(`limit must be 1 to ${QUEUE_PAGE_MAX}`);
    const after = query.data.cursor === undefined ? undefined : decodeCursor(query.data.cursor);
    if (query.data.cursor !== undefined && !after) throw new Invalid('not a queue cursor');
    const [page, counts] = await Promise.all([listQueuePage(deps.db, { after, limit: query.data.limit }), countQueue(deps.db)]);
    return {
      status: 200,
      body: { items: page.items, ...(page.next ? { nextCursor: encodeCursor(page.next) } : {}), counts },
    };
  }));
}
