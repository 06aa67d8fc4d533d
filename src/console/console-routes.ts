import { fileURLToPath } from 'node:url';
import type { Request, Response, Server } from 'restify';
import type { z } from 'zod';
import type { Clock } from '../clock.js';
import type { ActedBy, ConcernActions } from '../concerns/actions.js';
import { idParam, queueQuery, reasonBody, resolveBody, textBody } from '../concerns/inputs.js';
import { decodeCursor, encodeCursor } from '../concerns/queue-cursor.js';
import type { WorkingHours } from '../concerns/working-hours.js';
import { Conflict, Invalid, NotFound } from '../http/errors.js';
import { registerStaticAssets } from '../channels/webchat/static-assets.js';
import type { ConsoleAccess, SignedIn } from './console-access.js';
import type { LiveEvents } from './live-events.js';
import { FIELD_IDS, FORM_ACTIONS, type FormAction, type FormProblem } from './pages/concern-actions-panel.js';
import { concernLive, concernPageBody, liveVersion, type ConcernView } from './pages/concern-page.js';
import { escapeHtml } from './pages/html.js';
import { htmlHeaders } from './pages/layout.js';
import { queuePageBody, queueRows, type QueueFilters, type QueueView } from './pages/queue-page.js';

export interface ConsoleRouteDeps {
  access: ConsoleAccess;
  actions: ConcernActions;
  clock: Clock;
  hours: WorkingHours;
  leaseMinutes: number;
  /** Live updates; without them (a database that cannot listen) the pages refresh on a timer instead. */
  live?: LiveEvents;
}

const ASSETS = fileURLToPath(new URL('./pages/assets/', import.meta.url));

/** A form field refused by the shared input schema, said the way a form says it, next to the field. */
class FieldProblem extends Invalid {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

const FRIENDLY: Record<string, string> = {
  'note.text': 'Enter the note', 'reply.text': 'Enter your reply', 'resolve.outcome': 'Choose an outcome',
  'not-an-emergency.reason': 'Say why it is not an emergency',
};

/** The form's fields through the same schema the JSON API uses (empty fields count as not given). */
function fields<T>(action: FormAction, schema: z.ZodType<T>, body: Record<string, unknown>): T {
  const given = Object.fromEntries(Object.entries(body).filter(([key, value]) => key !== '_csrf' && !(typeof value === 'string' && value.trim() === '')));
  const result = schema.safeParse(given);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const key = `${action}.${String(issue.path[0] ?? '')}`;
  throw new FieldProblem(FIELD_IDS[key] ?? '', issue.code === 'too_big' ? issue.message : FRIENDLY[key] ?? issue.message);
}

type Run = (by: ActedBy, id: string, body: Record<string, unknown>) => Promise<unknown>;

/** The queue page, a concern's page, the forms on it, and the live feed behind both pages. */
export function registerConsoleRoutes(server: Server, deps: ConsoleRouteDeps): void {
  const { access, actions } = deps;
  const run: Record<FormAction, Run> = {
    claim: (by, id) => actions.claim(by, id),
    release: (by, id) => actions.release(by, id),
    note: (by, id, body) => actions.note(by, id, fields('note', textBody, body).text),
    reply: (by, id, body) => actions.reply(by, id, fields('reply', textBody, body).text),
    'hand-back': (by, id) => actions.handBack(by, id),
    resolve: (by, id, body) => actions.resolve(by, id, fields('resolve', resolveBody, body)),
    reopen: (by, id) => actions.reopen(by, id),
    'not-an-emergency': (by, id, body) => actions.notAnEmergency(by, id, fields('not-an-emergency', reasonBody, body).reason),
  };

  /** The queue as the filters in the query ask for it (what the page and its live fragment both show). */
  const queueView = async (req: Request, who: SignedIn): Promise<QueueView> => {
    const filters = Object.fromEntries(Object.entries(req.query ?? {}).filter(([key, value]) =>
      ['status', 'priority', 'pathway', 'mine', 'cursor'].includes(key) && typeof value === 'string' && value !== '')) as QueueFilters;
    const query = queueQuery.safeParse(filters);
    if (!query.success) throw new Invalid('Those filters are not ones the queue has. Clear the filters and choose again.');
    const after = query.data.cursor === undefined ? undefined : decodeCursor(query.data.cursor);
    if (query.data.cursor !== undefined && !after) throw new Invalid('That page of the queue link is not valid. Go back to the top of the queue.');
    const { status, priority, pathway, mine } = query.data;
    const page = await actions.queue({ after, filter: { status, priority, pathway, claimedBy: mine === 'true' ? who.by.actor.id : undefined } });
    return { items: page.items, counts: page.counts, nextCursor: page.next && encodeCursor(page.next), filters, viewerId: who.by.actor.id, now: deps.clock.now(), hours: deps.hours };
  };
  const badFilters = (res: Response, who: SignedIn, error: Invalid) => access.send(res, {
    status: 400, title: 'Queue', viewer: who.viewer, current: { section: 'queue', exact: true },
    body: `<div class="nhsuk-error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1"><h2 class="nhsuk-error-summary__title" id="error-summary-title">There is a problem</h2>
<div class="nhsuk-error-summary__body"><p>${escapeHtml(error.message)}</p><p><a href="/console/queue">Clear the filters</a></p></div></div>`,
  });

  server.get('/console/queue', access.handle(async (req, res) => {
    const who = await access.page(req, res, 'Coordinator');
    if (!who) return;
    let view: QueueView;
    try {
      view = await queueView(req, who);
    } catch (error) {
      if (error instanceof Invalid) return badFilters(res, who, error);
      throw error;
    }
    access.send(res, { status: 200, title: 'Queue', body: queuePageBody(view), viewer: who.viewer, current: { section: 'queue', exact: true }, script: true, wide: true });
  }));

  server.get('/console/queue/rows', access.handle(async (req, res) => {
    const who = await access.page(req, res, 'Coordinator', { background: true });
    if (!who) return;
    res.sendRaw(200, `<div>${queueRows(await queueView(req, who))}</div>`, htmlHeaders());
  }));

  const concernView = (who: SignedIn, detail: ConcernView['detail'], extra: Partial<ConcernView> = {}): ConcernView => ({
    detail, viewer: { id: who.by.actor.id, csrfToken: who.viewer.csrfToken }, now: deps.clock.now(), hours: deps.hours,
    leaseMinutes: deps.leaseMinutes, ...extra,
  });
  const sendConcern = (res: Response, who: SignedIn, status: number, view: ConcernView) => access.send(res, {
    status, title: `Concern ${view.detail.concern.reference}`, body: concernPageBody(view), viewer: who.viewer,
    current: { section: 'queue', exact: false }, script: true,
  });
  const concernIdOf = (req: Request): string => {
    const id = idParam.safeParse(req.params?.id);
    if (!id.success) throw new NotFound('There is no such concern');
    return id.data;
  };
  const notFound = (error: unknown) => {
    throw error instanceof NotFound ? new NotFound('There is no such concern') : error;
  };

  server.get('/console/queue/:id', access.handle(async (req, res) => {
    const who = await access.page(req, res, 'Coordinator');
    if (!who) return;
    // A view exactly as the API's: audited, and the holder's view renews the claim.
    const detail = await actions.view(who.by, concernIdOf(req)).catch(notFound);
    const done = (req.query as Record<string, unknown> | undefined)?.done;
    sendConcern(res, who, 200, concernView(who, detail, { done: FORM_ACTIONS.find((a) => a === done) }));
  }));

  server.get('/console/queue/:id/live', access.handle(async (req, res) => {
    const who = await access.page(req, res, 'Coordinator', { background: true });
    if (!who) return;
    const detail = await actions.view(who.by, concernIdOf(req), { live: true }).catch(notFound);
    res.sendRaw(200, `<div data-version="${escapeHtml(liveVersion(detail))}" data-messages="${detail.transcript.length}">${concernLive(concernView(who, detail))}</div>`, htmlHeaders());
  }));

  server.post('/console/queue/:id/:action', access.handle(async (req, res) => {
    const action = FORM_ACTIONS.find((a) => a === req.params?.action);
    if (!action) throw new NotFound('There is no such page');
    const who = await access.form(req, res, 'Coordinator');
    if (!who) return;
    const id = concernIdOf(req);
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    try {
      await run[action](who.by, id, body);
    } catch (error) {
      if (!(error instanceof Invalid || error instanceof Conflict)) return notFound(error);
      // Refused: the page again, as it is now, saying why, with what was typed still there.
      const problem: FormProblem = {
        action, kind: error instanceof Conflict ? 'conflict' : 'invalid', message: error.message,
        field: error instanceof FieldProblem ? error.field || undefined : undefined,
        values: Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string')),
      };
      const detail = await actions.view(who.by, id).catch(notFound);
      return sendConcern(res, who, error.status, concernView(who, detail, { problem }));
    }
    res.sendRaw(303, '', { location: `/console/queue/${id}?done=${action}`, 'cache-control': 'no-store' });
  }));

  server.get('/console/events', access.handle(async (req, res) => {
    const who = await access.page(req, res, 'Coordinator', { background: true });
    if (!who) return;
    const stillSignedIn = async () => Boolean((await access.peek(req))?.roles.includes('Coordinator'));
    if (!deps.live?.serve(res, stillSignedIn)) {
      res.sendRaw(503, 'live updates are off', { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    }
  }));

  registerStaticAssets(server, [
    { urlPath: '/assets/console.js', file: `${ASSETS}console.js`, contentType: 'text/javascript; charset=utf-8', cache: 'own' },
    { urlPath: '/assets/console.css', file: `${ASSETS}console.css`, contentType: 'text/css; charset=utf-8', cache: 'own' },
  ]);
}
