import { appendFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDataDir } from '../support/database-template.js';
import { rawRequest, requestHead, type RawResponse } from '../support/raw-http.js';
import { freePort, startServerProcess, type ServerProcess } from '../support/server-process.js';

/**
 * Malformed requests against every route of a real server process over loopback. Every one must be
 * answered (never a dropped process), none with a 5xx, none with internals (stack frames, file paths,
 * error class names, driver or SQL codes) in its body; after each group the process is alive and ready.
 */
const AUTH_TOKEN = 'fuzz-twilio-auth-token-0123';
const DEV_TOKEN = 'fuzz-coordinator-token-0123456789';
const INTERNALS = /\n\s+at [^\n]*:\d+:\d+|node_modules|file:\/\/|\/src\/[\w/.-]+\.ts|\b(TypeError|RangeError|ReferenceError|SyntaxError|ZodError)\b|Z_DATA_ERROR|SQLSTATE|\b22P0\d\b|validateAndFixActivity|req\.body/;
const SEED = 20261202;

let server: ServerProcess;
let url = '';
let directLine = { token: '', conversationId: '' };
const tally = { cases: 0, crashes: 0, unanswered: [] as string[], serverErrors: [] as string[], internals: [] as string[] };
const failed = { unanswered: 0, serverErrors: 0, internals: 0 };

beforeAll(async () => {
  const port = String(await freePort());
  url = `http://127.0.0.1:${port}`;
  server = await startServerProcess({
    PORT: port, DATA_DIR: await freshDataDir(), PUBLIC_BASE_URL: url, TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    SMS_SIMULATOR: 'true', COORDINATOR_DEV_TOKEN: DEV_TOKEN, LOG_LEVEL: 'warn',
  });
  const session = (await (await fetch(`${url}/api/webchat/token`, { method: 'POST' })).json()) as { token: string };
  const started = await fetch(`${url}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${session.token}` } });
  directLine = (await started.json()) as typeof directLine;
}, 90_000);

afterAll(async () => {
  // The figure the README quotes.
  console.log(`fuzz cases run ${tally.cases}, crashes ${tally.crashes}, unanswered ${failed.unanswered}, 5xx ${failed.serverErrors}, internals shown ${failed.internals}`);
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
});

/** Sends one case and records what went wrong with its answer (the group's test then asserts none did). */
async function send(label: string, head: string, body: Buffer | string = '', options: { incomplete?: boolean } = {}): Promise<RawResponse> {
  tally.cases++;
  // A request that says more is coming can only be waited for (until Node's request timeout).
  const response = await rawRequest(url, head, body, options.incomplete ? { waitMs: 1000 } : {});
  if (response.status === 0 && !options.incomplete) tally.unanswered.push(label);
  if (response.status >= 500) tally.serverErrors.push(`${label}: ${response.status} ${response.text.slice(-200)}`);
  if (INTERNALS.test(response.text)) tally.internals.push(`${label}: ${response.text.slice(-300)}`);
  return response;
}

function post(label: string, path: string, body: Buffer | string, headers: Record<string, string> = {}) {
  return send(label, requestHead('POST', path, { 'content-type': 'application/json', ...authFor(path), ...headers }, body), body);
}

/** Each route's own credentials, so that malformed input gets past authentication to the parsing behind it. */
function authFor(path: string): Record<string, string> {
  if (path.startsWith('/v3/directline')) return { authorization: `Bearer ${directLine.token}` };
  if (path === '/api/queue') return { authorization: `Bearer ${DEV_TOKEN}` };
  return {};
}

const dlActivities = () => `/v3/directline/conversations/${directLine.conversationId}/activities`;
const POST_ROUTES = () => [
  '/api/messages', '/api/sms', '/api/sms/status', '/dev/sms/send', '/api/webchat/token', '/v3/directline/conversations',
  dlActivities(), '/v3/directline/tokens/refresh', '/healthz', '/readyz', '/no/such/route',
];
const GET_ROUTES = () => [
  '/', '/healthz', '/readyz', '/api/queue', '/dev/sms', '/dev/sms/outbox?phone=%00', `/v3/directline/conversations/${directLine.conversationId}`,
  `${dlActivities()}?watermark=%ff`, '/api/messages', '/webchat/webchat.js', '/%2e%2e/%2e%2e/etc/passwd',
];

/** After each group: the same process is alive, and says it is ready. */
async function stillReady(): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) tally.crashes++;
  expect(server.child.exitCode, server.output().slice(-3000)).toBeNull();
  const ready = await fetch(`${url}/readyz`);
  expect(ready.status).toBe(200);
  expect(((await ready.json()) as { status: string }).status).toBe('ready');
  // This group's failures only (each list is emptied once checked).
  const failures = { unanswered: tally.unanswered.splice(0), serverErrors: tally.serverErrors.splice(0), internals: tally.internals.splice(0) };
  failed.unanswered += failures.unanswered.length;
  failed.serverErrors += failures.serverErrors.length;
  failed.internals += failures.internals.length;
  if (process.env.FUZZ_REPORT) appendFileSync(process.env.FUZZ_REPORT, `${JSON.stringify(failures, null, 1)}\n`);
  expect(failures).toEqual({ unanswered: [], serverErrors: [], internals: [] });
}

/** A Bot Framework activity as the Emulator sends it, with `expectReplies` so nothing is sent elsewhere. */
function activity(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message', id: `fz-${tally.cases}`, text: 'hello', channelId: 'emulator', serviceUrl: 'http://127.0.0.1:9',
    from: { id: 'fuzz-user' }, recipient: { id: 'carepoint' }, conversation: { id: `fuzz-${tally.cases % 7}` },
    deliveryMode: 'expectReplies', ...extra,
  };
}

/** Twilio's inbound webhook, correctly signed, so that the body's content is what is being tried. */
function signedSms(path: string, params: Record<string, string>): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams(params).toString();
  const signed = Object.fromEntries(new URLSearchParams(body));
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${url}${path}`, signed),
    },
  };
}

const NASTY_TEXT = ['\u0000', 'a\u0000b', '\ud800', '\udc00x', 'x\ud83d', '\ufeff', '\u202e', '%00', '\r\n\r\nHTTP/1.1 200 OK', 'é'.repeat(3000)];

describe('fuzzing every route of a running server', () => {
  it('malformed content encodings: bad gzip, truncated gzip, a gzip bomb, unknown encodings', async () => {
    const gz = gzipSync(JSON.stringify(activity()));
    const bodies: [string, Buffer, string][] = [
      ['not gzip', Buffer.from('{}'), 'gzip'],
      ['empty gzip', Buffer.alloc(0), 'gzip'],
      ['truncated gzip', gz.subarray(0, gz.length - 8), 'gzip'],
      ['gzip header only', gz.subarray(0, 10), 'gzip'],
      ['gzip bomb', gzipSync(Buffer.alloc(64 * 1024 * 1024, ' ')), 'gzip'],
      ['good gzip', gz, 'gzip'],
      ['x-gzip', gz, 'x-gzip'],
      ['deflate', Buffer.from('{}'), 'deflate'],
      ['br', Buffer.from('{}'), 'br'],
      ['two encodings', gz, 'gzip, gzip'],
      ['garbage encoding', Buffer.from('{}'), '\u00ff\u00fe'],
    ];
    for (const path of POST_ROUTES()) {
      for (const [label, body, encoding] of bodies) await post(`${label} -> ${path}`, path, body, { 'content-encoding': encoding });
    }
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.constantFrom(...POST_ROUTES()), async (bytes, path) => {
        await post(`random gzip bytes -> ${path}`, path, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from(bytes)]), { 'content-encoding': 'gzip' });
      }),
      { numRuns: 300, seed: SEED },
    );
    // The process's own output: no deprecation noise from restify either (npm start's flag is passed).
    expect(server.output()).not.toContain('DEP0111');
    await stillReady();
  }, 120_000);

  it('bad JSON and wrong content types', async () => {
    const fixed = ['', '{', '}', '{"a":', '[1,2', 'null', 'true', '1', '"text"', '[]', '{"__proto__":{"x":1}}', '{"a":1}{"b":2}', '\u0000', 'NaN', '1e99999'];
    for (const path of POST_ROUTES()) {
      for (const body of fixed) await post(`json ${JSON.stringify(body)} -> ${path}`, path, body);
      for (const type of ['text/plain', 'application/octet-stream', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/vnd.api+json', '']) {
        await post(`type ${type} -> ${path}`, path, '{"type":"message","text":"hi"}', { 'content-type': type });
      }
    }
    await fc.assert(
      fc.asyncProperty(fc.json(), fc.nat(), fc.constantFrom(...POST_ROUTES()), async (json, cut, path) => {
        await post(`truncated json -> ${path}`, path, json.slice(0, cut % (json.length + 1)));
      }),
      { numRuns: 400, seed: SEED },
    );
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom(...POST_ROUTES()), async (text, path) => {
        await post(`random text -> ${path}`, path, text);
      }),
      { numRuns: 300, seed: SEED },
    );
    await stillReady();
  }, 180_000);

  it('deep nesting: recipient, channelData and arrays nested up to 100,000 levels', async () => {
    const nested = (depth: number, open: string, close: string, inner = '{}') => `${open.repeat(depth)}${inner}${close.repeat(depth)}`;
    for (const depth of [10, 63, 64, 65, 100, 1_000, 10_000, 100_000]) {
      const recipient = nested(depth, '{"id":"b","r":', '}', '{"id":"b"}');
      const deepActivity = JSON.stringify(activity()).replace('"recipient":{"id":"carepoint"}', `"recipient":${recipient}`);
      for (const path of POST_ROUTES()) {
        await post(`recipient nested ${depth} -> ${path}`, path, deepActivity);
        await post(`arrays nested ${depth} -> ${path}`, path, nested(depth, '[', ']', '1'));
      }
      await post(`channelData nested ${depth}`, '/api/messages', JSON.stringify(activity()).replace(/}$/, `,"channelData":${nested(depth, '{"a":', '}')}}`));
      await post(`value nested ${depth} -> direct line`, dlActivities(), `{"type":"message","text":"hi","channelData":${nested(depth, '{"a":', '}')}}`);
    }
    await stillReady();
  }, 120_000);

  it('activities of the wrong shape: type null, non-string text, ids and dates of any type', async () => {
    const wrong = [null, 0, 12345, -1, true, '', [], {}, ['x'], { text: 'x' }, 'x'.repeat(5000), 'not a date', '\u0000'];
    const keys = ['type', 'text', 'id', 'channelId', 'serviceUrl', 'from', 'recipient', 'conversation', 'timestamp', 'localTimestamp',
      'expiration', 'locale', 'attachments', 'entities', 'value', 'replyToId', 'deliveryMode', 'channelData', 'membersAdded', 'name', 'textFormat'];
    for (const key of keys) {
      for (const value of wrong) {
        await post(`/api/messages ${key}=${JSON.stringify(value).slice(0, 20)}`, '/api/messages', JSON.stringify(activity({ [key]: value })));
        await post(`direct line ${key}=${JSON.stringify(value).slice(0, 20)}`, dlActivities(), JSON.stringify({ type: 'message', text: 'hello', [key]: value }));
      }
    }
    for (const text of [12345, null, { a: 1 }, ['a'], true]) {
      const response = await post(`text ${JSON.stringify(text)} is refused`, '/api/messages', JSON.stringify(activity({ text })));
      expect(response.status, `text ${JSON.stringify(text)}`).toBe(400);
      const local = await post(`direct line text ${JSON.stringify(text)} is refused`, dlActivities(), JSON.stringify({ type: 'message', text }));
      expect(local.status).toBe(400);
    }
    const anyValue = fc.anything({ maxDepth: 3, withNullPrototype: true, withBigInt: false });
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.constantFrom(...keys), anyValue, { maxKeys: 4 }), async (changes) => {
        await post('/api/messages generated activity', '/api/messages', JSON.stringify(activity(changes)));
        await post('direct line generated activity', dlActivities(), JSON.stringify({ type: 'message', text: 'hi', ...changes }));
      }),
      { numRuns: 300, seed: SEED },
    );
    await stillReady();
  }, 240_000);

  it('NUL and lone surrogates in message text, on every channel', async () => {
    const sms = (params: Record<string, string>) => signedSms('/api/sms', params);
    let n = 0;
    for (const text of NASTY_TEXT) {
      await post('direct line text', dlActivities(), JSON.stringify({ type: 'message', text: `I am worried ${text}` }));
      await post('direct line text escaped', dlActivities(), `{"type":"message","text":"I'm worried about my mum \\u0000\\ud800 \\udfff"}`);
      await post('bot framework text', '/api/messages', JSON.stringify(activity({ text: `worried ${text}`, conversation: { id: 'fuzz-nul' } })));
      await post('simulator', '/dev/sms/send', JSON.stringify({ from: '+447700900123', body: `worried ${text}` }));
      const signed = sms({ MessageSid: `SM${String(n++).padStart(32, '0')}`, From: '+447700900124', Body: `worried ${text}`, NumMedia: '0' });
      await post('signed sms', '/api/sms', signed.body, signed.headers);
    }
    // A whole concern whose answers carry NUL and lone surrogates, through to the committed concern.
    const concern = ["I'm worried about my mum", 'someone I care for', 'my mum', 'Jane\u0000 Smith\ud800', '14/07/1946', 'heart failure',
      'symptoms', 'Her ankles are swollen\u0000 and she is breathless\udc00', 'today', 'phone call', '07700 900461', 'evening', 'yes', 'yes'];
    for (const text of concern) {
      const response = await post('concern through direct line', dlActivities(), JSON.stringify({ type: 'message', text }));
      expect(response.status).toBe(200);
    }
    const form = `MessageSid=SM${'9'.repeat(32)}&From=%2B447700900125&Body=%00%ED%A0%80%FF%C0%AF&NumMedia=0`;
    const params = Object.fromEntries(new URLSearchParams(form));
    await post('sms invalid utf-8', '/api/sms', form, {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${url}/api/sms`, params),
    });
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 20 }), async (binary, grapheme) => {
        const text = `${grapheme}${binary}`;
        await post('generated direct line text', dlActivities(), JSON.stringify({ type: 'message', text }));
        await post('generated bot framework text', '/api/messages', JSON.stringify(activity({ text })));
        const signed = sms({ MessageSid: `SM${String(n++).padStart(32, '0')}`, From: '+447700900126', Body: text, NumMedia: '0' });
        await post('generated signed sms', '/api/sms', signed.body, signed.headers);
      }),
      { numRuns: 150, seed: SEED },
    );
    await stillReady();
  }, 300_000);

  it('10 MB bodies, as they are, chunked and gzipped', async () => {
    const big = JSON.stringify(activity({ text: 'x'.repeat(10 * 1024 * 1024) }));
    const bigGzip = gzipSync(big);
    for (const path of POST_ROUTES()) {
      const response = await post(`10 MB -> ${path}`, path, big);
      expect([404, 405, 413], path).toContain(response.status);
      await post(`10 MB gzip -> ${path}`, path, bigGzip, { 'content-encoding': 'gzip', 'content-length': String(bigGzip.length) });
      const chunks = [];
      for (let i = 0; i < 10; i++) chunks.push(`100000\r\n${'y'.repeat(0x100000)}\r\n`);
      chunks.push('0\r\n\r\n');
      const head = requestHead('POST', path, { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...authFor(path) }).replace(/content-length: \d+\r\n/, '');
      await send(`10 MB chunked -> ${path}`, head, chunks.join(''));
    }
    await stillReady();
  }, 240_000);

  it('header injection and malformed requests', async () => {
    // Heads that promise a body longer than the one sent (a GET sends none at all).
    const INCOMPLETE = new Set(['length longer than body', 'length and chunked', 'two content lengths']);
    const body = JSON.stringify(activity());
    const heads = (path: string): [string, string][] => [
      ['CR LF in a header', `POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\nx-a: b\r\nInjected: yes\r\ncontent-length: ${body.length}\r\n\r\n`],
      ['bare CR in a header', `POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\nx-a: b\rInjected: yes\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`],
      ['bare LF in a header', `POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\nx-a: b\nInjected: yes\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`],
      ['NUL in a header', `POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\nx-a: b\u0000c\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`],
      ['folded header', `POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\n folded\r\ncontent-length: ${body.length}\r\n\r\n`],
      ['two content lengths', `POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\ncontent-length: 5\r\n\r\n`],
      ['length and chunked', `POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\ntransfer-encoding: chunked\r\n\r\n`],
      ['negative length', `POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: -1\r\n\r\n`],
      ['length longer than body', `POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${body.length + 1000}\r\n\r\n`],
      ['huge header', `POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\nx-big: ${'a'.repeat(17_000)}\r\ncontent-length: ${body.length}\r\n\r\n`],
      ['no host', `POST ${path} HTTP/1.1\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`],
      ['HTTP/1.0', `POST ${path} HTTP/1.0\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`],
      ['bad method', `P\u00d6ST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: ${body.length}\r\n\r\n`],
      ['space in path', `POST ${path} x HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: ${body.length}\r\n\r\n`],
      ['bad content type', `POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: ;;;=\u00ff\r\ncontent-length: ${body.length}\r\n\r\n`],
      ['authorization garbage', `POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\nauthorization: Bearer ${'.'.repeat(3000)}\r\ncontent-length: ${body.length}\r\n\r\n`],
      ['authorization not bearer', `POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\nauthorization: Basic \u00ff\u00fe\r\ncontent-length: ${body.length}\r\n\r\n`],
      ['twilio signature garbage', `POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/x-www-form-urlencoded\r\nx-twilio-signature: ${'='.repeat(500)}\r\ncontent-length: 7\r\n\r\n`],
      ['forwarded headers', `POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\nx-forwarded-for: \u0000, 999.1.1.1\r\nx-forwarded-proto: javascript\r\ncontent-length: ${body.length}\r\n\r\n`],
    ];
    for (const path of POST_ROUTES()) {
      for (const [label, head] of heads(path)) {
        await send(`${label} -> ${path}`, head, label === 'twilio signature garbage' ? 'Body=hi' : body, { incomplete: INCOMPLETE.has(label) });
      }
    }
    for (const path of GET_ROUTES()) {
      for (const [label, head] of heads(path)) await send(`GET ${label} -> ${path}`, head.replace(/^POST/, 'GET'), '', { incomplete: INCOMPLETE.has(label) });
    }
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary-ascii', maxLength: 200 }), fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 40 }), fc.constantFrom(...POST_ROUTES(), ...GET_ROUTES()), async (value, name, path) => {
        await send('generated header', `POST ${path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n${name}: ${value}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`, body);
      }),
      { numRuns: 400, seed: SEED },
    );
    await stillReady();
  }, 240_000);
});
