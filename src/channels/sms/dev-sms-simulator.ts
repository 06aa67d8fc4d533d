import { randomBytes } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import twilio from 'twilio';
import { z } from 'zod';
import type { Database } from '../../db/database.js';
import { isLoopbackHost } from '../../config.js';
import { toE164 } from '../../concerns/model.js';
import { outboxForPhone } from './outbox.js';
import { publicUrlOf } from './twilio-signature.js';
import { simulatorPage } from './dev-sms-simulator-page.js';

export interface SimulatorDeps {
  db: Database;
  authToken: string | undefined;
  accountSid: string | undefined;
  carepointNumber: string | undefined;
  /** Where /api/sms is reached on this machine (the server's own loopback address). */
  localBaseUrl: (req: Request) => string;
  /** The base URL signatures are computed against, exactly as for Twilio's requests. */
  publicBaseUrl: (req: Request) => string;
}

const sendSchema = z.object({
  from: z.string().trim().min(1).max(32),
  body: z.string().max(1600).default(''),
  numMedia: z.coerce.number().int().min(0).max(10).default(0),
});

/**
 * Development only (SMS_SIMULATOR), loopback only: GET /dev/sms is a page to text Carepoint from a browser. The page posts
 * to /dev/sms/send; the server signs the webhook exactly as Twilio does (the auth token never reaches the
 * page) and forwards it to /api/sms, then shows the TwiML reply and the number's outbox.
 */
export function registerSmsSimulator(server: Server, deps: SimulatorDeps): void {
  server.get('/dev/sms', async (req, res) => {
    if (!fromLoopback(req, res)) return;
    const nonce = randomBytes(16).toString('base64');
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; connect-src 'self'`,
      'cache-control': 'no-store',
    });
    res.end(simulatorPage(nonce, deps.authToken !== undefined));
  });

  server.post('/dev/sms/send', async (req, res) => {
    if (!fromLoopback(req, res)) return;
    if (!deps.authToken) {
      res.send(409, { error: 'Set TWILIO_AUTH_TOKEN (any value for local use) to use the simulator.' });
      return;
    }
    const parsed = sendSchema.safeParse(req.body);
    const phone = parsed.success ? toE164(parsed.data.from) : undefined;
    if (!parsed.success || !phone) {
      res.send(400, { error: 'Give a phone number and a message.' });
      return;
    }
    const params: Record<string, string> = {
      ToCountry: 'GB', SmsMessageSid: '', NumMedia: String(parsed.data.numMedia), SmsSid: '', SmsStatus: 'received',
      To: deps.carepointNumber ?? '+447000000000', NumSegments: '1', MessageSid: '', AccountSid: deps.accountSid ?? `AC${'0'.repeat(32)}`,
      From: phone, ApiVersion: '2010-04-01', Body: parsed.data.body, FromCountry: 'GB',
    };
    params.MessageSid = params.SmsMessageSid = params.SmsSid = `SM${randomBytes(16).toString('hex')}`;
    const signature = twilio.getExpectedTwilioSignature(deps.authToken, publicUrlOf(deps.publicBaseUrl(req), '/api/sms'), params);
    const started = Date.now();
    const answer = await fetch(`${deps.localBaseUrl(req)}/api/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params).toString(),
    });
    const twiml = await answer.text();
    res.send(200, { status: answer.status, ms: Date.now() - started, twiml, messages: messagesOf(twiml) });
  });

  server.get('/dev/sms/outbox', async (req, res) => {
    if (!fromLoopback(req, res)) return;
    const phone = toE164(String((req.query as { phone?: unknown } | undefined)?.phone ?? ''));
    if (!phone) {
      res.send(400, { error: 'Give a phone number.' });
      return;
    }
    res.send(200, { items: await outboxForPhone(deps.db, phone) });
  });
}

/**
 * Headers a reverse proxy adds. A proxy on the same host connects from loopback, so every request it
 * passes on would look local: a request that came through one is refused, whatever its address.
 */
const PROXY_HEADERS = ['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-real-ip'];

/** A browser on this machine talking to the server directly; anything else gets 404, as if there were no simulator. */
function fromLoopback(req: Request, res: Response): boolean {
  const address = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  if (isLoopbackHost(address) && !PROXY_HEADERS.some((name) => req.headers[name] !== undefined)) return true;
  res.send(404, { error: 'not found' });
  return false;
}

/** The <Message> bodies of a TwiML response, unescaped. */
export function messagesOf(twiml: string): string[] {
  return [...twiml.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((m) =>
    m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&'),
  );
}
