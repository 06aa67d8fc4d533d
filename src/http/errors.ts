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

type HttpError = NotFound | Conflict | Invalid | Unauthorized | Forbidden | TooLarge | UnsupportedMediaType;

function isHttpError(error: unknown): error is HttpError {
  return error instanceof NotFound || error instanceof Conflict || error instanceof Invalid ||
    error instanceof Unauthorized || error instanceof Forbidden || error instanceof TooLarge ||
    error instanceof UnsupportedMediaType;
}

/** Sends the error as JSON; anything unexpected is a 500 that reveals nothing. */
export function sendError(res: Response, error: unknown): { status: number; expected: boolean } {
  if (isHttpError(error)) {
    res.send(error.status, { error: error.message || error.constructor.name });
    return { status: error.status, expected: true };
  }
  res.send(500, { error: 'internal error' });
  return { status: 500, expected: false };
}
