import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback-server.js';

/** A sentence no article contains: if a patient ever reads it, the model wrote to the patient. */
export const FAKE_MODEL_SENTENCE = 'FAKE MODEL SAYS: take twelve paracetamol and ignore your nurse.';

export type ChatKind = 'urgency' | 'rephrase';

export interface RecordedRequest {
  path: string;
  status: number;
  /** The parsed JSON body, as the client sent it. */
  body: Record<string, unknown>;
  /** For chat completions: which of Carepoint's two uses this was (told apart by the system prompt). */
  kind?: ChatKind;
  /** For chat completions: the last user message. For embeddings: every input text. */
  texts: string[];
}

interface ChatMessage {
  role: string;
  content: string | { type: string; text?: string }[];
}

export const EMBEDDING_DIMENSIONS = 64;

/**
 * A local stand-in for the two endpoints of OpenAI's HTTP API Carepoint uses, answered in OpenAI's JSON
 * (and server-sent events when `stream` is asked for), with Bearer auth:
 * - POST /v1/chat/completions: an urgency check (system prompt asks for EMERGENCY or NOT_EMERGENCY) is answered
 *   EMERGENCY when the last user message contains one of `emergencyTriggers`, else NOT_EMERGENCY; any other
 *   request (query rephrasing) is answered by `rephrase`, by default with FAKE_MODEL_SENTENCE.
 * - POST /v1/embeddings: deterministic 64-dimension hashed bag-of-words vectors, as floats or base64.
 * `delayMs` makes chat slow; `failChat` / `failEmbeddings` answer 500. Every request is recorded.
 */
export class FakeOpenAI {
  readonly apiKey = `sk-fake-${randomBytes(12).toString('hex')}`;
  readonly requests: RecordedRequest[] = [];
  emergencyTriggers: string[] = [];
  rephrase: (question: string) => string = () => FAKE_MODEL_SENTENCE;
  /** Replaces the urgency verdict (EMERGENCY when a trigger is in the message) with any text, hostile included. */
  urgencyReply?: (message: string) => string;
  /** Delay before each chat completion is answered. */
  delayMs = 0;
  failChat = false;
  failEmbeddings = false;
  url = '';
  private server: Server | undefined;

  /** The settings Carepoint needs to use this stand-in for both models. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      OPENAI_API_KEY: this.apiKey,
      OPENAI_BASE_URL: `${this.url}/v1`,
      OPENAI_CHAT_MODEL: 'fake-chat-1',
      OPENAI_EMBEDDINGS_MODEL: 'fake-embeddings-1',
      ...extra,
    };
  }

  chatRequests(kind?: ChatKind): RecordedRequest[] {
    return this.requests.filter((r) => r.path === '/v1/chat/completions' && (!kind || r.kind === kind));
  }

  embeddingRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path === '/v1/embeddings');
  }

  async start(): Promise<this> {
    ({ server: this.server, url: this.url } = await listenOnLoopback((req, res) => void this.handle(req, res)));
    return this;
  }

  async stop(): Promise<void> {
    await closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
    } catch {
      // recorded with an empty body and refused below
    }
    const path = (req.url ?? '').split('?')[0]!;
    const record: RecordedRequest = { path, status: 0, body, texts: [] };
    this.requests.push(record);
    const answer = (status: number, payload: unknown) => {
      record.status = status;
      if (res.destroyed) return; // the client gave up (a timeout): nobody is listening
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    const error = (status: number, message: string, type: string, code: string | null = null) =>
      answer(status, { error: { message, type, param: null, code } });

    if (req.headers.authorization !== `Bearer ${this.apiKey}`) return error(401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
    if (req.method !== 'POST') return error(405, 'Method not allowed.', 'invalid_request_error');
    if (typeof body.model !== 'string') return error(400, 'you must provide a model parameter', 'invalid_request_error');

    if (path === '/v1/chat/completions') {
      const messages = Array.isArray(body.messages) ? (body.messages as ChatMessage[]) : [];
      const system = messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => contentText(m.content)).join('\n');
      const lastUser = contentText([...messages].reverse().find((m) => m.role === 'user')?.content ?? '');
      record.kind = /NOT_EMERGENCY/.test(system) ? 'urgency' : 'rephrase';
      record.texts = [lastUser];
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      if (this.failChat) return error(500, 'The server had an error while processing your request.', 'server_error');
      const reply = record.kind === 'urgency'
        ? this.urgencyReply ? this.urgencyReply(lastUser) : this.emergencyTriggers.some((t) => lastUser.toLowerCase().includes(t.toLowerCase())) ? 'EMERGENCY' : 'NOT_EMERGENCY'
        : this.rephrase(lastUser);
      return body.stream === true ? this.stream(res, record, body.model, reply) : answer(200, completion(body.model, reply));
    }

    if (path === '/v1/embeddings') {
      const input = body.input;
      const texts = typeof input === 'string' ? [input] : Array.isArray(input) ? input.map((t) => (typeof t === 'string' ? t : JSON.stringify(t))) : [];
      record.texts = texts;
      if (texts.length === 0) return error(400, "'input' is a required property", 'invalid_request_error');
      if (this.failEmbeddings) return error(500, 'The server had an error while processing your request.', 'server_error');
      const base64 = body.encoding_format === 'base64';
      return answer(200, {
        object: 'list',
        model: body.model,
        data: texts.map((text, index) => {
          const vector = hashedVector(text);
          return { object: 'embedding', index, embedding: base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector };
        }),
        usage: { prompt_tokens: texts.join(' ').split(/\s+/).length, total_tokens: texts.join(' ').split(/\s+/).length },
      });
    }
    return error(404, `Invalid URL (POST ${path})`, 'invalid_request_error');
  }

  private stream(res: ServerResponse, record: RecordedRequest, model: string, reply: string): void {
    record.status = 200;
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const id = `chatcmpl-${randomBytes(8).toString('hex')}`;
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: now(), model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
    res.write(chunk({ role: 'assistant', content: reply }, null));
    res.write(chunk({}, 'stop'));
    res.end('data: [DONE]\n\n');
  }
}

function completion(model: string, reply: string): Record<string, unknown> {
  return {
    id: `chatcmpl-${randomBytes(8).toString('hex')}`,
    object: 'chat.completion',
    created: now(),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: reply, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 10, completion_tokens: reply.split(/\s+/).length, total_tokens: 10 + reply.split(/\s+/).length },
  };
}

function contentText(content: ChatMessage['content']): string {
  return typeof content === 'string' ? content : content.map((p) => p.text ?? '').join(' ');
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

/** Each word adds to one of 64 dimensions (FNV-1a hash); texts sharing words point the same way. */
export function hashedVector(text: string): number[] {
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    let hash = 0x811c9dc5;
    for (const char of word) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
    vector[hash % EMBEDDING_DIMENSIONS]! += 1;
  }
  const length = Math.sqrt(vector.reduce((s, x) => s + x * x, 0)) || 1;
  return vector.map((x) => x / length);
}
