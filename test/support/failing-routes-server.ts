import type { AddressInfo } from 'node:net';
import { createHttpServer } from '../../src/http/server.js';
import { createLogger } from '../../src/logging.js';

/**
 * Carepoint's HTTP server with two routes that fail the ways restify itself logs: a response it cannot
 * format (restify's logger wrote the whole request, body included), and a handler that rejects with an error
 * quoting what it was sent. Run as its own process, so that a test reads everything it writes.
 */
const http = createHttpServer(createLogger({ level: 'trace' }));
const textOf = (body: unknown) => String((body as { text?: unknown } | undefined)?.text);

http.server.post('/unformattable', async (req, res) => {
  res.send(200, `you said ${textOf(req.body)}`);
});
http.server.post('/rejects', async (req) => {
  const text = textOf(req.body);
  throw Object.assign(new Error(`could not store ${text}`), { detail: text, where: { row: { text } }, values: [text] });
});
http.server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (http.server.address() as AddressInfo).port })}\n`);
});
