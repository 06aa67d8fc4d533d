import type { Response } from 'restify';
import type { ConcernFeed } from '../concerns/feed.js';

/** A comment line now and then keeps proxies from closing a quiet stream, and shows the browser it is alive. */
export const HEARTBEAT_MS = 25_000;
/** How long a browser waits before reconnecting a dropped stream. */
export const RETRY_MS = 5_000;
/** Streams open at once on this instance; more are refused (the page then refreshes on its own timer). */
export const MAX_STREAMS = 500;

interface Stream {
  res: Response;
  end: () => void;
}

/**
 * Server-sent events for open console pages: `event: concern` with a concern's id each time one commits a change.
 * Nothing about the patient goes down the stream; a page fetches what it shows through its own signed-in request.
 */
export class LiveEvents {
  private readonly streams = new Set<Stream>();
  private closed = false;

  constructor(
    private readonly feed: ConcernFeed,
    private readonly options: { heartbeatMs?: number } = {},
  ) {}

  get open(): number {
    return this.streams.size;
  }

  /** False when the stream was refused (the server is stopping, or too many are open). */
  serve(res: Response, stillSignedIn: () => Promise<boolean>): boolean {
    if (this.closed || this.streams.size >= MAX_STREAMS) return false;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      // Proxies (nginx) must pass each event on as it comes, not buffer the response.
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${RETRY_MS}\n: connected\n\n`);
    const unsubscribe = this.feed.subscribe((concernId) => res.write(`event: concern\ndata: ${concernId}\n\n`));
    // Each heartbeat also checks the session, without renewing it: a signed-out or idle session's stream ends.
    const heartbeat = setInterval(() => {
      stillSignedIn().then((yes) => (yes ? res.write(': heartbeat\n\n') : stream.end()), () => undefined);
    }, this.options.heartbeatMs ?? HEARTBEAT_MS);
    heartbeat.unref();
    const stream: Stream = {
      res,
      end: () => {
        if (!this.streams.delete(stream)) return;
        clearInterval(heartbeat);
        unsubscribe();
        res.end();
      },
    };
    this.streams.add(stream);
    res.once('close', stream.end);
    return true;
  }

  /** Ends every stream and refuses new ones: the server is stopping. */
  close(): void {
    this.closed = true;
    for (const stream of [...this.streams]) stream.end();
  }
}
