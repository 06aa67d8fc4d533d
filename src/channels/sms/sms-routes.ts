import type { ActivityHandler } from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import twilio from 'twilio';
import { z } from 'zod';
import type { Clock } from '../../clock.js';
import type { Database } from '../../db/database.js';
import { withRequestLogger } from '../../http/request-context.js';
import type { LoggedRequest } from '../../http/server.js';
import { toE164 } from '../../concerns/model.js';
import { awaitInboundReply, claimInboundSms, storeInboundReply } from './inbound-deliveries.js';
import { flagConcernContactProblem, recordDeliveryStatus } from './outbox.js';
import type { SmsAdapter } from './sms-adapter.js';
import { patientIdForPhone, smsConversationId } from './sms-contacts.js';
import { joinForSms, smsTextOf } from './sms-text.js';
import { smsTurnLogic } from './sms-turn.js';
import { checkTwilioSignature } from './twilio-signature.js';
import { remainingMs, within } from '../../deadline.js';

export interface SmsRouteDeps {
  db: Database;
  clock: Clock;
  adapter: SmsAdapter;
  bot: ActivityHandler;
  hashId: (value: string) => string;
  authToken: string | undefined;
  /** The base URL Twilio is given (PUBLIC_BASE_URL), or this server's own address when none is set. */
  publicBaseUrl: (req: Request) => string;
  /** How long a repeated delivery waits for the first one's reply. */
  duplicateWaitMs: number;
  /** After this, a claimed sid still without a reply (its delivery died mid-turn) is taken over by a retry. */
  inboundLeaseMs: number;
  /** Twilio is answered within this from the request's arrival, whatever storage does (it waits 15 s). */
  replyDeadlineMs: number;
  /**
   * Staff texts (an on-call "ACK CP-XXXXXX" from a rota phone): the reply when this is one, else undefined and the
   * message is a patient's, screened and handled as every other. Never called for anything but a staff number's.
   */
  staffText?: (phone: string, body: string) => Promise<string | undefined>;
}

// What the webhook waits for before the turn, at most, when storage is slow: it then goes on without them.
const CLAIM_WAIT_MS = 2_000;
const LOOKUP_WAIT_MS = 2_000;

const inboundSchema = z.object({
  MessageSid: z.string().regex(/^[A-Za-z0-9]{10,64}$/),
  From: z.string().min(1).max(64),
  Body: z.string().max(10_000).default(''),
  NumMedia: z.coerce.number().int().min(0).max(50).default(0),
});

const statusSchema = z.object({
  MessageSid: z.string().regex(/^[A-Za-z0-9]{10,64}$/),
  MessageStatus: z.string().regex(/^[a-z_-]{2,24}$/),
  ErrorCode: z.string().regex(/^\d{1,6}$/).optional(),
});

const SORRY =
  'Sorry, something went wrong on our side. If this is an emergency call 999; if it is urgent, call NHS 111. ' +
  'Please send your last message again in a moment.';

export function toTwiml(messages: string[]): string {
  const response = new twilio.twiml.MessagingResponse();
  for (const text of messages) response.message(text);
  return response.toString();
}

function sendTwiml(res: Response, twiml: string): void {
  res.writeHead(200, { 'content-type': 'text/xml; charset=utf-8' });
  res.end(twiml);
}

/**
 * POST /api/sms (Twilio's inbound message webhook) and POST /api/sms/status (delivery status callbacks).
 * Every request must carry a valid Twilio signature; anything else is refused before it is read or stored.
 */
export function registerSmsRoutes(server: Server, deps: SmsRouteDeps): void {
  server.post('/api/sms', async (req, res) => {
    const log = (req as LoggedRequest).carepointLog;
    const form = signedForm(req, res, deps, inboundSchema, 'inbound');
    if (!form) return;
    const { MessageSid: messageSid, From, Body: body, NumMedia: numMedia } = form;
    const phone = toE164(From);
    if (!phone) {
      log.warn({ event: 'sms-unknown-sender' }, 'SMS from a sender that is not a phone number; not answered');
      return sendTwiml(res, toTwiml([]));
    }
    if (deps.staffText) {
      // A staff number's ACK is not a patient message: answered here, never stored as a conversation.
      const reply = await deps.staffText(phone, body).catch((err: unknown) => {
        log.error({ err, event: 'staff-text-failed' }, 'staff text could not be handled; treated as a patient message');
        return undefined;
      });
      if (reply !== undefined) {
        log.info({ event: 'staff-text' }, 'staff text handled');
        return sendTwiml(res, toTwiml([reply]));
      }
    }
    const conversationId = smsConversationId(phone);
    const turnLog = log.child({ channel: 'sms', conversation: deps.hashId(conversationId) });
    const deadline = Date.now() + deps.replyDeadlineMs;
    // Looked up beside the claim, not after it: with storage slow, the two waits would add up.
    const lookup = within(patientIdForPhone(deps.db, phone), Math.min(LOOKUP_WAIT_MS, remainingMs(deadline)), 'patient lookup');
    lookup.catch(() => undefined); // a duplicate delivery never reads it

    let claim: Awaited<ReturnType<typeof claimInboundSms>>;
    try {
      const claiming = claimInboundSms(deps.db, deps.clock, { messageSid, conversationId, leaseMs: deps.inboundLeaseMs });
      claim = await within(claiming, Math.min(CLAIM_WAIT_MS, remainingMs(deadline)), 'SMS claim');
    } catch (err) {
      // Storage down: process without the duplicate guard, so that a red flag still gets its 999 instruction.
      turnLog.error({ err, event: 'sms-claim-failed' }, 'SMS could not be claimed; processing it anyway');
      claim = 'first';
    }
    if (claim === 'taken-over') {
      turnLog.warn({ event: 'sms-claim-taken-over', leaseMs: deps.inboundLeaseMs }, 'SMS delivered again after its first delivery died unanswered; processing it');
    }
    if (!claim) {
      const waitMs = Math.min(deps.duplicateWaitMs, remainingMs(deadline));
      const twiml = await within(awaitInboundReply(deps.db, messageSid, { timeoutMs: waitMs, pollMs: 50 }), waitMs + 200, 'SMS reply lookup')
        .catch(() => undefined);
      turnLog.info({ event: 'sms-duplicate-delivery', answered: twiml !== undefined }, 'SMS webhook delivered again; not processed');
      // No stored reply yet: never silence. The apology says to call 999 in an emergency.
      return sendTwiml(res, twiml ?? toTwiml([SORRY]));
    }

    let twiml: string;
    try {
      const patientId = await lookup.catch((err: unknown) => {
        turnLog.error({ err, event: 'sms-patient-lookup-failed' }, 'patient lookup failed; going on as an unregistered number');
        return undefined;
      });
      const message = { messageSid, phone, body, numMedia, patientId, redelivery: claim === 'taken-over' };
      const result = await withRequestLogger(turnLog, () =>
        deps.adapter.processInbound(message, smsTurnLogic({ db: deps.db, clock: deps.clock, bot: deps.bot, logger: turnLog }, message), remainingMs(deadline)),
      conversationId);
      // A turn still waiting on storage at the deadline with nothing to say yet: never silence.
      twiml = toTwiml(result.late && result.replies.length === 0 ? [SORRY] : joinForSms(result.replies.map(smsTextOf)));
      turnLog.info({ event: 'sms-turn', replies: result.replies.length, late: result.late, linked: patientId !== undefined }, 'SMS turn');
    } catch (err) {
      turnLog.error({ err, event: 'sms-turn-failed' }, 'SMS turn failed');
      twiml = toTwiml([SORRY]);
    }
    // Answer Twilio first: storing the reply (for repeated deliveries) must not hold up the patient's answer.
    sendTwiml(res, twiml);
    try {
      await storeInboundReply(deps.db, deps.clock, messageSid, twiml);
    } catch (err) {
      turnLog.error({ err, event: 'sms-reply-not-stored' }, 'SMS reply could not be stored for repeated deliveries');
    }
  });

  server.post('/api/sms/status', async (req, res) => {
    const log = (req as LoggedRequest).carepointLog;
    const form = signedForm(req, res, deps, statusSchema, 'status');
    if (!form) return;
    const { MessageSid, MessageStatus, ErrorCode } = form;
    const { item, early } = await recordDeliveryStatus(deps.db, deps.clock, { twilioSid: MessageSid, status: MessageStatus, errorCode: ErrorCode });
    if (!item) log.info({ event: 'sms-status-early', early }, 'status callback before the send was recorded: kept until it is');
    else {
      log.info({ event: 'sms-status', outboxId: item.id, status: MessageStatus, errorCode: ErrorCode }, 'SMS delivery status');
      if (MessageStatus === 'undelivered' || MessageStatus === 'failed') {
        await flagConcernContactProblem(deps.db, deps.clock, item, 'undelivered');
      }
    }
    res.send(204);
  });
}

/** 403 and one log line that says why, without anything from the request. */
/**
 * The request's form fields when Twilio signed them and they are what the route expects; otherwise the
 * refusal has been sent (403 unsigned, 400 malformed) and the result is undefined. Nothing is read first.
 */
function signedForm<T>(
  req: Request,
  res: Response,
  deps: Pick<SmsRouteDeps, 'authToken' | 'publicBaseUrl'>,
  schema: z.ZodType<T>,
  route: 'inbound' | 'status',
): T | undefined {
  const log = (req as LoggedRequest).carepointLog;
  const check = checkTwilioSignature(req, deps.authToken, deps.publicBaseUrl(req));
  if (!check.ok) {
    log.warn({ event: 'sms-signature-rejected', reason: check.reason, route }, 'SMS webhook refused');
    res.send(403, { error: 'forbidden' });
    return undefined;
  }
  const parsed = schema.safeParse(check.params);
  if (!parsed.success) {
    log.warn({ event: 'sms-bad-webhook', route, fields: parsed.error.issues.map((i) => i.path.join('.')) }, 'SMS webhook missing fields');
    res.send(400, { error: route === 'inbound' ? 'not a Twilio message webhook' : 'not a Twilio status callback' });
    return undefined;
  }
  return parsed.data;
}
