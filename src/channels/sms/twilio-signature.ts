import twilio from 'twilio';
import type { Request } from 'restify';

export type SignatureCheck =
  | { ok: true; params: Record<string, string> }
  | { ok: false; reason: 'not-configured' | 'missing' | 'invalid' };

/**
 * Checks X-Twilio-Signature with the twilio library against the URL Twilio was given: the configured
 * public base URL plus the path and query this request arrived with. Nothing from forwarded headers is
 * trusted, so it works the same behind a TLS-terminating proxy.
 */
export function checkTwilioSignature(req: Request, authToken: string | undefined, publicBaseUrl: string): SignatureCheck {
  if (!authToken) return { ok: false, reason: 'not-configured' };
  const signature = req.header('x-twilio-signature');
  if (!signature) return { ok: false, reason: 'missing' };
  const params = formParams(req);
  const url = publicUrlOf(publicBaseUrl, req.url ?? '/');
  return twilio.validateRequest(authToken, signature, url, params) ? { ok: true, params } : { ok: false, reason: 'invalid' };
}

export function publicUrlOf(publicBaseUrl: string, pathAndQuery: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}${pathAndQuery}`;
}

/** The form body exactly as sent (restify keeps it as rawBody), one value per name as Twilio posts them. */
function formParams(req: Request): Record<string, string> {
  const raw = (req as Request & { rawBody?: unknown }).rawBody;
  const text = typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : '';
  const contentType = req.header('content-type') ?? '';
  if (!contentType.startsWith('application/x-www-form-urlencoded')) return {};
  return Object.fromEntries(new URLSearchParams(text));
}
