import type { Response } from 'restify';

/** Domain errors: routes and domain code throw these; one translator maps them to HTTP. */
export class NotFound extends Error {
  readonly status = 404;
}
export class Conflict extends Error {
  readonly status = 409;
}
export class Invalid extends Error {
  readonly status = 400;
}
export class Unauthorized extends Error {
  readonly status = 401;
}
export class Forbidden extends Error {
  readonly status = 403;
}
export class TooLarge extends Error {
  readonly status = 413;
}
export class UnsupportedMediaType extends Error {
  readonly status = 415;
}

export class TooManyRequests extends Error {
  readonly status = 429;
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

type HttpError = NotFound | Conflict | Invalid | Unauthorized | Forbidden | TooManyRequests | TooLarge | UnsupportedMediaType;

function isHttpError(error: unknown): error is HttpError {
  return error instanceof NotFound || error instanceof Conflict || error instanceof Invalid ||
    error instanceof Unauthorized || error instanceof Forbidden || error instanceof TooManyRequests ||
    error instanceof TooLarge || error instanceof UnsupportedMediaType;
}

/** Sends the error as JSON; anything unexpected is a 500 that reveals nothing. */
export function sendError(res: Response, error: unknown): { status: number; expected: boolean } {
  if (isHttpError(error)) {
    if (error instanceof TooManyRequests) res.setHeader('retry-after', String(error.retryAfterSeconds));
    res.send(error.status, { error: error.message || error.constructor.name });
    return { status: error.status, expected: true };
  }
  res.send(500, { error: 'internal error' });
  return { status: 500, expected: false };
}
