import twilio from 'twilio';

type RequestOptions<TData> = Parameters<twilio.RequestClient['request']>[0] & { data?: TData };

/** Sends one SMS. The outbox worker is its only caller; dialogs never see it. */
export interface SmsSender {
  send(to: string, body: string, statusCallbackUrl: string): Promise<{ sid: string }>;
}

/** Twilio error 21610: the recipient has replied STOP to this sender; Twilio will not deliver. */
export const TWILIO_OPTED_OUT = 21610;

/** Why a send failed, and whether trying again later can help. */
export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code?: number,
  ) {
    super(message);
    this.name = 'SmsSendError';
  }
}

export interface TwilioSenderOptions {
  accountSid: string;
  authToken: string;
  from: string;
  /** Twilio's REST API base URL; unset: Twilio's own (https://api.twilio.com and its other domains). */
  apiBaseUrl?: string;
  timeoutMs?: number;
}

/**
 * The twilio library has no base-URL setting, so a local stand-in (tests, the SMS simulator) is reached
 * with a RequestClient that rewrites the scheme and host of every request URI and keeps its path.
 */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: string,
    timeoutMs: number,
  ) {
    super({ timeout: timeoutMs });
  }

  override request<TData>(opts: RequestOptions<TData>) {
    const uri = new URL(opts.uri);
    const base = new URL(this.baseUrl);
    uri.protocol = base.protocol;
    uri.host = base.host;
    return super.request<TData>({ ...opts, uri: uri.toString() });
  }
}

/** SmsSender over Twilio's Messages API, through the twilio library. */
export class TwilioSmsSender implements SmsSender {
  private readonly client: ReturnType<typeof twilio>;

  constructor(private readonly options: TwilioSenderOptions) {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const httpClient = options.apiBaseUrl
      ? new RebasedRequestClient(options.apiBaseUrl, timeoutMs)
      : new twilio.RequestClient({ timeout: timeoutMs });
    this.client = twilio(options.accountSid, options.authToken, { httpClient });
  }

  async send(to: string, body: string, statusCallbackUrl: string): Promise<{ sid: string }> {
    try {
      const message = await this.client.messages.create({ to, from: this.options.from, body, statusCallback: statusCallbackUrl });
      return { sid: message.sid };
    } catch (error) {
      throw toSendError(error);
    }
  }
}

/** Twilio answers 4xx for what will never work (bad number, opted out) and 5xx/429 for what may. */
function toSendError(error: unknown): SmsSendError {
  const { status, code } = error as { status?: unknown; code?: unknown };
  const numericCode = typeof code === 'number' ? code : undefined;
  if (typeof status === 'number') {
    const retryable = status >= 500 || status === 429;
    return new SmsSendError(`Twilio answered ${status}${numericCode ? ` (error ${numericCode})` : ''}`, retryable, numericCode);
  }
  // No HTTP answer at all: connection refused, timeout, DNS. Worth retrying.
  return new SmsSendError(`Twilio could not be reached: ${(error as Error)?.message ?? 'unknown error'}`, true);
}
