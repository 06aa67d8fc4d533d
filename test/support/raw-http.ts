import { connect } from 'node:net';

export interface RawResponse {
  /** 0 when the server closed the connection without answering. */
  status: number;
  /** Everything after the status line, headers and body, as received. */
  text: string;
}

/**
 * One HTTP/1.1 request written byte for byte over a TCP connection, so that tests can send what no HTTP
 * client would (CR LF inside a header, two Content-Lengths, a body that is not what its headers say).
 */
export function rawRequest(url: string, head: string, body: Buffer | string = '', options: { waitMs?: number } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    // The server may answer and close before the whole body is written (431, a refused upload): what it
    // said is what counts, not our write failing.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const response = Buffer.concat(received).toString('utf8');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1];
      resolve({ status: status ? Number(status) : 0, text: response.slice(response.indexOf('\r\n') + 2) });
    });
    // Not half-closed after the body: Node's HTTP server aborts requests whose client has ended its side.
    // Connection: close makes the server close once it has answered; one that never answers is given up on.
    socket.setTimeout(options.waitMs ?? 30_000, () => socket.destroy());
    socket.write(head);
    socket.write(body);
  });
}

/** A well-formed request head (Connection: close, Content-Length of `body`) with `headers` added as given. */
export function requestHead(method: string, path: string, headers: Record<string, string> = {}, body: Buffer | string = ''): string {
  const all: Record<string, string> = { host: '127.0.0.1', connection: 'close', 'content-length': String(Buffer.byteLength(body)), ...headers };
  return `${method} ${path} HTTP/1.1\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
}
