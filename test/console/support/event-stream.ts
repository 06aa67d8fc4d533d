import { expect } from 'vitest';
import { SESSION_COOKIE } from '../../../src/console/auth/session-authenticator.js';

/** An open event stream, read as it arrives. */
export async function openStream(base: string, cookie: string) {
  const controller = new AbortController();
  const response = await fetch(`${base}/console/events`, { headers: { cookie: `${SESSION_COOKIE}=${cookie}` }, signal: controller.signal });
  let text = '';
  let ended = false;
  const reading = (async () => {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      // aborted
    }
    ended = true;
  })();
  return {
    response,
    text: () => text,
    ended: () => ended,
    until: (pattern: RegExp, timeout = 5_000) => expect.poll(() => pattern.test(text), { timeout }).toBe(true),
    close: async () => {
      controller.abort();
      await reading;
    },
  };
}

