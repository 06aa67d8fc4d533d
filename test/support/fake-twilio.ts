import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import twilio from 'twilio';
import { closeServer, listenOnLoopback } from './loopback-server.js';

export interface SentMessage {
  sid: string;
  accountSid: string;
  to: string;
  from: string;
  body: string;
  statusCallback?: string;
  at: Date;
}

export interface CallbackResult {
  sid: string;
  status: string;
  httpStatus: number;
}

/**
 * A local stand-in for the parts of Twilio's REST API Carepoint uses: POST
 * /2010-04-01/Accounts/{sid}/Messages.json with Basic auth and a form body, answered with Twilio's JSON.
 * After accepting a message it POSTs the status callbacks ('sent', then 'delivered'), signed with the auth
 * token exactly as Twilio signs them. Numbers in `optedOut` get error 21610; `failNext(n)` answers 500.
 */
export class FakeTwilio {
  readonly accountSid = `AC${randomBytes(16).toString('hex')}`;
  readonly authToken = randomBytes(16).toString('hex');
  readonly phoneNumber = '+447700900000';
  readonly messages: SentMessage[] = [];
  readonly callbacks: CallbackResult[] = [];
  /** Every request, accepted or not (status answered). */
  readonly requests: { path: string; status: number }[] = [];
  readonly optedOut = new Set<string>();
  sendStatusCallbacks = true;
  /**
   * How long after accepting a message its callbacks start. Real Twilio reports well after its answer; at 0 a
   * callback can overtake the sender's own record of the sid (then it names a message not yet known).
   */
  callbackDelayMs = 0;
  private failures = 0;
  private server: Server | undefined;
  private pendingCallbacks = new Set<Promise<void>>();
  url = '';

  /** The settings Carepoint needs to talk to this stand-in. */
  env(publicBaseUrl?: string): Record<string, string> {
    return {
      TWILIO_ACCOUNT_SID: this.accountSid,
      TWILIO_AUTH_TOKEN: this.authToken,
      TWILIO_PHONE_NUMBER: this.phoneNumber,
      TWILIO_API_BASE_URL: this.url,
      ...(publicBaseUrl ? { PUBLIC_BASE_URL: publicBaseUrl } : {}),
    };
  }

  /** The next `n` message requests get a 500, as when Twilio has an outage. */
  failNext(n: number): void {
    this.failures = n;
  }

  async start(): Promise<this> {
    ({ server: this.server, url: this.url } = await listenOnLoopback((req, res) => void this.handle(req, res)));
    return this;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.pendingCallbacks]);
    await closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const path = (req.url ?? '').split('?')[0]!;
    const answer = (status: number, body: unknown) => {
      this.requests.push({ path, status });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]{32})\/Messages\.json$/.exec(path);
    if (req.method !== 'POST' || !match) return answer(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected || match[1] !== this.accountSid) {
      return answer(401, { code: 20003, message: 'Authenticate', status: 401 });
    }
    if (this.failures > 0) {
      this.failures--;
      return answer(500, { code: 20500, message: 'Internal Server Error', status: 500 });
    }
    const { To: to, From: from, Body: body, StatusCallback: statusCallback } = form;
    if (!to || !from || !body) return answer(400, { code: 21604, message: "A 'To' phone number is required.", status: 400 });
    if (this.optedOut.has(to)) {
      return answer(400, {
        code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400,
        more_info: 'https://www.twilio.com/docs/errors/21610',
      });
    }
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const now = new Date();
    this.messages.push({ sid, accountSid: this.accountSid, to, from, body, statusCallback, at: now });
    answer(201, {
      sid, account_sid: this.accountSid, to, from, body, status: 'queued', direction: 'outbound-api',
      num_segments: '1', num_media: '0', api_version: '2010-04-01', price: null, price_unit: 'GBP',
      error_code: null, error_message: null, messaging_service_sid: null,
      date_created: now.toUTCString(), date_updated: now.toUTCString(), date_sent: null,
      uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${sid}.json`, subresource_uris: {},
    });
    if (statusCallback && this.sendStatusCallbacks) {
      const work = new Promise((r) => setTimeout(r, this.callbackDelayMs))
        .then(() => this.callBack(statusCallback, { sid, to, from }))
        .finally(() => this.pendingCallbacks.delete(work));
      this.pendingCallbacks.add(work);
    }
  }

  private async callBack(url: string, message: { sid: string; to: string; from: string }): Promise<void> {
    for (const status of ['sent', 'delivered']) {
      const params = {
        SmsSid: message.sid, SmsStatus: status, MessageStatus: status, To: message.to, MessageSid: message.sid,
        AccountSid: this.accountSid, From: message.from, ApiVersion: '2010-04-01',
      };
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': twilio.getExpectedTwilioSignature(this.authToken, url, params),
          },
          body: new URLSearchParams(params).toString(),
        });
        this.callbacks.push({ sid: message.sid, status, httpStatus: response.status });
      } catch {
        this.callbacks.push({ sid: message.sid, status, httpStatus: 0 });
      }
    }
  }
}
