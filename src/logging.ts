import { createHmac, randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Keys whose values are patient data and must never be written in clear. */
const SENSITIVE_KEYS = [
  'text', 'body', 'Body', 'message', 'from', 'From', 'to', 'To', 'phone', 'phoneNumber', 'name', 'fullName',
  'dateOfBirth', 'dob', 'nhsNumber', 'details', 'transcript', 'summary', 'authorization', 'cookie',
];

const redactPaths = [
  ...SENSITIVE_KEYS,
  // One level down too, except `message`, so that err.message stays readable for operators.
  ...SENSITIVE_KEYS.filter((k) => k !== 'message').map((k) => `*.${k}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-twilio-signature"]',
];

export interface LoggerOptions {
  level: string;
  destination?: DestinationStream;
}

export function createLogger({ level, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service: 'carepoint' },
      redact: { paths: redactPaths, censor: '[redacted]' },
      serializers: {
        err: pino.stdSerializers.err,
        // Only the route, never the query string (it can carry identifiers).
        req: (req: { method?: string; url?: string; id?: () => string }) => ({
          method: req.method,
          path: req.url?.split('?')[0],
        }),
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/**
 * Keyed one-way hash for identifiers that must be correlated across log lines but never read
 * (conversation ids, phone numbers). Keyed so that a phone number cannot be found by hashing guesses.
 */
export function createIdHasher(secret: string | undefined): (value: string) => string {
  const key = secret ?? randomBytes(32).toString('hex');
  // The same conversation is hashed on every turn: recent ones are remembered (in memory only).
  const recent = new LRUCache<string, string>({ max: 10_000 });
  return (value: string) => {
    let hashed = recent.get(value);
    if (hashed === undefined) {
      hashed = createHmac('sha256', key).update(value).digest('base64url').slice(0, 16);
      recent.set(value, hashed);
    }
    return hashed;
  };
}
