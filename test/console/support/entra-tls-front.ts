import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { FakeEntra } from '../../support/fake-entra.js';

const TLS = new URL('./tls/', import.meta.url);

/**
 * FakeEntra as a browser reaches Entra ID: over https, under its own name (Chromium maps login.carepoint.test to
 * this port: --host-resolver-rules), passed on to the provider exactly as the server side's fetch passes it.
 */
export async function startEntraTlsFront(entra: FakeEntra): Promise<{ port: number; stop: () => Promise<void> }> {
  const server: Server = createServer({
    key: readFileSync(new URL('login.carepoint.test.key.pem', TLS)),
    cert: readFileSync(new URL('login.carepoint.test.cert.pem', TLS)),
  }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers)
        .filter(([name, value]) => typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name))) as Record<string, string>;
      const body = chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined;
      entra.fetch(`${entra.issuer}${req.url}`, { method: req.method, headers, body }).then(async (response) => {
        const out: Record<string, string | string[]> = {};
        response.headers.forEach((value, name) => {
          if (!['set-cookie', 'content-encoding', 'content-length', 'transfer-encoding', 'connection'].includes(name)) out[name] = value;
        });
        const cookies = response.headers.getSetCookie();
        if (cookies.length) out['set-cookie'] = cookies;
        res.writeHead(response.status, out);
        res.end(Buffer.from(await response.arrayBuffer()));
      }, (error: unknown) => {
        res.writeHead(502);
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
