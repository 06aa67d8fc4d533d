import { createGunzip, type Gunzip } from 'node:zlib';
import type { Next, Request, Response } from 'restify';
import { Invalid, sendError, TooLarge, UnsupportedMediaType } from './errors.js';

export interface BodyLimits {
  /** The most bytes a body may have once decoded (a small gzip body can unpack to gigabytes). */
  maxBytes: number;
  /** The deepest nesting of objects and arrays a JSON body may have: deeper ones overflow recursive code later. */
  maxDepth: number;
}

/** Past this many bytes of a refused body, stop reading it and close the connection. */
const DRAIN_LIMIT = 32 * 1024 * 1024;

type BodyRequest = Request & { body?: unknown; rawBody?: string | Buffer };

/**
 * Reads and parses request bodies in place of restify's bodyParser, whose gzip stream had no error handler
 * (one request whose body was not gzip ended the process), which counted its limit before decompression,
 * and which parsed JSON of any depth. Every body it cannot take is answered with a 4xx here, before any
 * route sees it: 400 for bad gzip or JSON, 413 past the limits, 415 for other encodings.
 *
 * As restify did: `req.body` is parsed JSON, form fields (one value per name) or text; `req.rawBody` is the
 * body as received (decoded), which Twilio's signature check reads.
 */
export function bodyParser(limits: BodyLimits) {
  return (req: BodyRequest, res: Response, next: Next): void => {
    if (req.method === 'GET' || req.method === 'HEAD' || (req.headers['content-length'] === '0' && !req.isChunked())) {
      next();
      return;
    }
    const refuse = (error: Error) => {
      sendError(res, error);
      next(false);
    };
    readBody(req, limits.maxBytes).then((read) => {
      if (read.refused) return refuse(read.refused);
      if (read.body.length === 0) return next();
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const text = read.body.toString('utf8');
      if (type === 'application/json' || type.endsWith('+json')) {
        if (nestingDepth(text) > limits.maxDepth) return refuse(new Invalid(`JSON nested deeper than ${limits.maxDepth} levels`));
        try {
          req.body = JSON.parse(text);
        } catch {
          return refuse(new Invalid('body is not valid JSON'));
        }
        req.rawBody = text;
      } else if (type === 'application/x-www-form-urlencoded') {
        req.rawBody = text;
        req.body = Object.fromEntries(new URLSearchParams(text));
      } else if (type.startsWith('text/')) {
        req.rawBody = text;
        req.body = text;
      } else {
        // Not a type any route reads: kept as bytes, never parsed.
        req.rawBody = read.body;
      }
      next();
    }, () => {
      // The client went away mid-body: nobody to answer.
      next(false);
    });
  };
}

type ReadBody = { body: Buffer; refused?: undefined } | { refused: Error };

/** The body, decoded; or why it is refused (once the rest of it has been read, so that the client hears why). */
function readBody(req: Request, maxBytes: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    let gunzip: Gunzip | undefined;
    let refused: Error | undefined;
    if (encoding === 'gzip' || encoding === 'x-gzip') gunzip = createGunzip();
    else if (encoding !== 'identity') refused = new UnsupportedMediaType('content encoding not supported (gzip or none)');

    const chunks: Buffer[] = [];
    let decoded = 0;
    let received = 0;
    let requestEnded = false;
    let gunzipEnded = false;
    // Answered once the request has been read and the gzip stream (if any) has ended or failed.
    const settle = () => {
      if (!requestEnded || (gunzip && !gunzipEnded && !refused)) return;
      resolve(refused ? { refused } : { body: Buffer.concat(chunks) });
    };
    const take = (chunk: Buffer) => {
      if (refused) return;
      decoded += chunk.length;
      if (decoded <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      refused = new TooLarge(`body larger than ${maxBytes} bytes`);
      chunks.length = 0;
      gunzip?.destroy();
      settle();
    };

    if (gunzip) {
      gunzip.on('data', take);
      gunzip.once('end', () => {
        gunzipEnded = true;
        settle();
      });
      gunzip.once('error', () => {
        refused ??= new Invalid('body is not valid gzip');
        settle();
      });
    }
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      // A refused body is read to its end, so that the client hears why, up to a point: past that, the
      // connection is closed.
      if (refused && received > DRAIN_LIMIT) {
        req.destroy();
        return;
      }
      if (refused) return;
      if (gunzip) gunzip.write(chunk);
      else take(chunk);
    });
    req.once('end', () => {
      requestEnded = true;
      if (gunzip && !refused) gunzip.end();
      settle();
    });
    req.once('error', reject);
    req.once('close', () => {
      if (!requestEnded) reject(new Error('request closed before its body ended'));
    });
    req.resume();
  });
}

/** How deeply objects and arrays nest in JSON text (brackets inside strings do not count). */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) {
      inString = true;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > deepest) deepest = depth;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
    }
  }
  return deepest;
}
