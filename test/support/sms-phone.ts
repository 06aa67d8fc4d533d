import { randomBytes } from 'node:crypto';
import twilio from 'twilio';

export interface SmsAnswer {
  status: number;
  twiml: string;
  /** The <Message> bodies of the TwiML reply, unescaped. */
  messages: string[];
  /** All messages joined, for simple assertions. */
  text: string;
}

export interface WebhookOptions {
  /** The URL to sign (what Twilio was configured with); default: where the request is sent. */
  signedUrl?: string;
  /** Token to sign with; default the right one. */
  token?: string;
  /** null: send no X-Twilio-Signature header. */
  signature?: string | null;
  /** Change the body after signing. */
  tamper?: (params: Record<string, string>) => Record<string, string>;
  /** Extra request headers (for example what a proxy would add). */
  headers?: Record<string, string>;
}

export const newMessageSid = () => `SM${randomBytes(16).toString('hex')}`;

/**
 * A patient's phone, texting Carepoint the way Twilio delivers texts: a form-encoded webhook to /api/sms,
 * signed with the account's auth token against the public URL.
 */
export class SmsPhone {
  constructor(
    private readonly carepointUrl: string,
    private readonly account: { authToken: string; accountSid: string; phoneNumber: string },
    readonly number: string,
    private readonly publicBaseUrl = carepointUrl,
  ) {}

  async text(body: string, extra: { messageSid?: string; numMedia?: number } = {}, options: WebhookOptions = {}): Promise<SmsAnswer> {
    const messageSid = extra.messageSid ?? newMessageSid();
    const params: Record<string, string> = {
      ToCountry: 'GB', SmsMessageSid: messageSid, NumMedia: String(extra.numMedia ?? 0), SmsSid: messageSid,
      SmsStatus: 'received', To: this.account.phoneNumber, NumSegments: '1', MessageSid: messageSid,
      AccountSid: this.account.accountSid, From: this.number, ApiVersion: '2010-04-01', Body: body, FromCountry: 'GB',
    };
    if (extra.numMedia) {
      params.MediaUrl0 = 'https://api.twilio.com/2010-04-01/Accounts/AC/Messages/MM/Media/ME';
      params.MediaContentType0 = 'image/jpeg';
    }
    return this.post('/api/sms', params, options);
  }

  /** Sends and returns the reply joined, for transcript-style tests. */
  async say(body: string): Promise<string> {
    const answer = await this.text(body);
    if (answer.status !== 200) throw new Error(`POST /api/sms answered ${answer.status}: ${answer.twiml}`);
    return answer.text;
  }

  async post(path: string, params: Record<string, string>, options: WebhookOptions = {}): Promise<SmsAnswer> {
    const signedUrl = options.signedUrl ?? `${this.publicBaseUrl}${path}`;
    const signature = options.signature === undefined
      ? twilio.getExpectedTwilioSignature(options.token ?? this.account.authToken, signedUrl, params)
      : options.signature;
    const sent = options.tamper ? options.tamper({ ...params }) : params;
    const response = await fetch(`${this.carepointUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(signature === null ? {} : { 'x-twilio-signature': signature }),
        ...options.headers,
      },
      body: new URLSearchParams(sent).toString(),
    });
    const twiml = await response.text();
    const messages = [...twiml.matchAll(/<Message>([\s\S]*?)<\/Message>/g)].map((m) =>
      m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&'),
    );
    return { status: response.status, twiml, messages, text: messages.join('\n\n') };
  }
}

/** Polls `check` until it returns something truthy, or fails after `timeoutMs`. Real timers. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
