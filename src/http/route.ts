import type { Request, Response } from 'restify';
import { sendError } from './errors.js';
import type { LoggedRequest } from './server.js';

export interface RouteResult {
  status: number;
  body: unknown;
}

/** Wraps a route body: its result is sent as JSON, its thrown domain errors become HTTP statuses. */
export function route(handler: (req: Request, res: Response) => Promise<RouteResult>) {
  return async (req: Request, res: Response) => {
    try {
      const result = await handler(req, res);
      res.send(result.status, result.body);
    } catch (error) {
      const { expected } = sendError(res, error);
      if (!expected) (req as LoggedRequest).carepointLog.error({ err: error }, 'route failed');
    }
  };
}
