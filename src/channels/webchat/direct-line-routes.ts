import type { ActivityHandler } from 'botbuilder';
import type { Request, Server } from 'restify';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { Forbidden, Invalid, NotFound } from '../../http/errors.js';
import { withRequestLogger } from '../../http/request-context.js';
import { route } from '../../http/route.js';
import type { LoggedRequest } from '../../http/server.js';
import { within } from '../../deadline.js';
import { recordWebChatFetched, recordWebChatHanded, webChatActivitiesAfter, webChatConversationExists } from './activity-log.js';
import type { DirectLineAdapter } from './direct-line-adapter.js';
import { withRequestSource } from '../../http/request-source.js';
import { limitPerSource, type SourceLimiter } from '../../limits/source-limiter.js';
import { bearerToken, type WebChatClaims, type WebChatTokens } from './webchat-token.js';

/** Where Carepoint's own Direct Line 3.0 endpoints live; the page's Web Chat uses this as its domain. */
export const LOCAL_DIRECT_LINE_PATH = '/v3/directline';

/** The most activities one poll returns; Web Chat asks again from the new watermark a second later. */
export const POLL_PAGE_SIZE = 50;
/** How long a poll waits for the activity log before answering with what this instance holds in memory. */
const POLL_STORAGE_WAIT_MS = 2_000;

export interface DirectLineRouteDeps {
  adapter: DirectLineAdapter;
  bot: ActivityHandler;
  tokens: WebChatTokens;
  db: Database;
  hashId: (value: string) => string;
  /** Starting conversations, per client address (reconnecting, polling and posting are not limited). */
  startLimiter: SourceLimiter;
  sourceOf: (req: Request) => string;
}

const conversationIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a conversation id');
const watermarkSchema = z.union([z.literal(''), z.string().regex(/^\d{1,9}$/)]).optional();

/** What Carepoint takes from a posted activity; everything else (including `from`) is ignored. */
const postedActivitySchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message'),
    text: z.string().trim().min(1, 'a message needs text').max(4000, 'that message is too long'),
    locale: z.string().max(35).optional(),
    attachments: z.array(z.unknown()).max(0, 'attachments are not accepted').optional(),
    // The delivery port's keys (outbound:<id>) name co-ordinator replies in the same log: never a browser's.
    channelData: z.object({ clientActivityID: z.string().max(100).optional().transform((id) => (id?.startsWith('outbound:') ? undefined : id)) }).optional(),
  }),
  z.object({ type: z.literal('typing') }),
]);

/**
 * The parts of the Direct Line 3.0 REST protocol that Web Chat's DirectLine client uses when polling
 * (`createDirectLine({ token, domain, webSocket: false })`). Every call needs a token from
 * POST /api/webchat/token, and a token opens only its own conversation.
 */
export function registerDirectLineRoutes(server: Server, deps: DirectLineRouteDeps): void {
  const { adapter, bot, tokens, db } = deps;
  const authorise = (req: Request): WebChatClaims => tokens.verify(bearerToken(req.header('authorization')));
  const authoriseFor = (req: Request): WebChatClaims => {
    const claims = authorise(req);
    const asked = conversationIdSchema.safeParse(req.params.conversationId);
    if (!asked.success || asked.data !== claims.conversationId) throw new Forbidden('this token is for another conversation');
    return claims;
  };
  // The turn runs with the request's logger and its source (which the queue records on a concern).
  const run = <T>(req: Request, work: () => Promise<T>) =>
    withRequestSource(deps.sourceOf(req), () => withRequestLogger((req as LoggedRequest).carepointLog, work));
  const logFor = (req: Request, claims: WebChatClaims) =>
    (req as LoggedRequest).carepointLog.child({ conversation: deps.hashId(claims.conversationId), channel: 'chat' });

  // Start (or rejoin) the token's conversation; the answer carries a fresh token for it.
  server.post(`${LOCAL_DIRECT_LINE_PATH}/conversations`, limitPerSource(deps.startLimiter, deps.sourceOf, 'webchat-conversation-start'), route(async (req, res) => {
    noStore(res);
    const claims = authorise(req);
    const created = await run(req, () => adapter.startConversation(claims.conversationId, claims.userId, (c) => bot.run(c)));
    if (created) logFor(req, claims).info({ event: 'webchat-started' }, 'web chat conversation started');
    return { status: created ? 201 : 200, body: conversationBody(claims, tokens) };
  }));

  // Reconnect to a conversation (the client does this when it is given a conversationId).
  server.get(`${LOCAL_DIRECT_LINE_PATH}/conversations/:conversationId`, route(async (req, res) => {
    noStore(res);
    const claims = authoriseFor(req);
    if (!(await webChatConversationExists(db, claims.conversationId))) throw new NotFound('no such conversation');
    return { status: 200, body: conversationBody(claims, tokens) };
  }));

  server.post(`${LOCAL_DIRECT_LINE_PATH}/conversations/:conversationId/activities`, route(async (req, res) => {
    noStore(res);
    const claims = authoriseFor(req);
    const parsed = postedActivitySchema.safeParse(req.body);
    if (!parsed.success) throw new Invalid(parsed.error.issues[0]?.message ?? 'not an activity Carepoint accepts');
    const posted = parsed.data;
    // Typing indicators are accepted and dropped: nobody is watching the patient type.
    if (posted.type === 'typing') return { status: 200, body: { id: '' } };
    const id = await run(req, () =>
      adapter.receiveMessage(
        claims.conversationId,
        claims.userId,
        { text: posted.text, locale: posted.locale, clientActivityId: posted.channelData?.clientActivityID },
        (c) => bot.run(c),
      ),
    );
    return { status: 200, body: { id } };
  }));

  server.get(`${LOCAL_DIRECT_LINE_PATH}/conversations/:conversationId/activities`, route(async (req, res) => {
    noStore(res);
    const claims = authoriseFor(req);
    const watermarkParam = watermarkSchema.safeParse(req.query?.watermark);
    if (!watermarkParam.success) throw new Invalid('watermark must be a number');
    const after = watermarkParam.data ? Number(watermarkParam.data) : 0;
    // What the browser holds (asked from) and was handed (answered with) are recorded: co-ordinator replies
    // handed over and then held are delivered. Neither write ever costs the browser its page.
    const { conversationId } = claims;
    const unrecorded = (err: unknown) => logFor(req, claims).warn({ err, event: 'webchat-fetch-not-recorded' }, 'could not record what the browser was given');
    const reading = recordWebChatFetched(db, { conversationId, watermark: after }).catch(unrecorded)
      .then(() => webChatActivitiesAfter(db, { conversationId, watermark: after, limit: POLL_PAGE_SIZE }))
      .then(async (page) => {
        if (page.watermark > after) await recordWebChatHanded(db, { conversationId, seq: page.watermark }).catch(unrecorded);
        return page;
      });
    // Storage away: what the log could not take (a 999 instruction among it) is still handed to the browser.
    const page = await within(reading, POLL_STORAGE_WAIT_MS, 'web chat poll').catch((err: unknown) => {
      if (!adapter.hasHeld(claims.conversationId)) throw err;
      return { activities: [], watermark: after };
    });
    const held = adapter.takeHeld(claims.conversationId);
    // Only an empty page costs the extra query: an unknown conversation is 404, which Web Chat reads as "ended".
    if (page.activities.length === 0 && held.length === 0 && !(await webChatConversationExists(db, claims.conversationId))) {
      throw new NotFound('no such conversation');
    }
    return { status: 200, body: { activities: [...page.activities, ...held], watermark: String(page.watermark) } };
  }));

  server.post(`${LOCAL_DIRECT_LINE_PATH}/tokens/refresh`, route(async (req, res) => {
    noStore(res);
    const claims = authorise(req);
    return { status: 200, body: conversationBody(claims, tokens) };
  }));
}

function conversationBody(claims: WebChatClaims, tokens: WebChatTokens) {
  const { token, expiresIn } = tokens.issue(claims);
  return { conversationId: claims.conversationId, token, expires_in: expiresIn };
}

function noStore(res: { setHeader(name: string, value: string): void }): void {
  res.setHeader('cache-control', 'no-store');
}
