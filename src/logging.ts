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
  // One level down too (errors are logged without their message: see serialiseError).
  ...SENSITIVE_KEYS.map((k) => `*.${k}`),
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
        err: serialiseError,
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
 * Log lines a person at a terminal can read (pino-pretty), with the same redaction, for development.
 * pino-pretty is a development dependency: without it (a production install), undefined, and lines stay JSON.
 */
export async function prettyDestination(output?: NodeJS.WritableStream): Promise<DestinationStream | undefined> {
  try {
    const { default: pretty } = await import('pino-pretty');
    return pretty({ colorize: output === undefined, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', sync: true, ...(output ? { destination: output } : {}) });
  } catch {
    return undefined;
  }
}

/** What a log line says about an error: never its message or its other fields, which can quote patient data. */
export interface LoggedError {
  /** The error's name (as pino's own serializer calls it, and `name` is a redacted key). */
  type: string;
  /** A Node or library error code (ECONNREFUSED, Z_DATA_ERROR). */
  code?: string;
  /** A database error's SQLSTATE (22P05). */
  sqlState?: string;
  /** The stack's frames only: its first line repeats the message. */
  stack?: string;
  cause?: LoggedError;
  errors?: LoggedError[];
}

const IDENTIFIER = /^[A-Za-z_$][\w$.-]{0,63}$/;
const CODE = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The one way errors reach a log line. A database error's message, detail and `where` quote the value it
 * refused (a concern's name, NHS number and phone number, in one 22P05); a thrown error can carry patient
 * text in any property at any depth. So only the name, code, SQL state and the stack's frames are kept.
 */
export function serialiseError(err: unknown, depth = 0): LoggedError {
  // A thrown string or object could be anything a patient said.
  if (!(err instanceof Error)) return { type: err === null ? 'null' : typeof err };
  const logged: LoggedError = { type: IDENTIFIER.test(err.name) ? err.name : 'Error' };
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && CODE.test(code)) {
    // pg and PGlite errors carry PostgreSQL's fields beside the code; only their code is a SQLSTATE.
    if (/^[0-9A-Z]{5}$/.test(code) && 'severity' in err) logged.sqlState = code;
    else logged.code = code;
  }
  const frames = err.stack?.split('\n').filter((line) => /^\s+at /.test(line)).slice(0, 20);
  if (frames?.length) logged.stack = frames.join('\n');
  // botbuilder-dialogs wraps a turn's error as DialogContextError's `error` (beside the dialog state, dropped).
  const wrapped = (err as { error?: unknown }).error;
  const cause = err.cause ?? (wrapped instanceof Error ? wrapped : undefined);
  if (depth < 3 && cause !== undefined) logged.cause = serialiseError(cause, depth + 1);
  if (depth < 3 && err instanceof AggregateError) logged.errors = err.errors.slice(0, 5).map((e: unknown) => serialiseError(e, depth + 1));
  return logged;
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
