import { configSchema } from '../config.js';

/**
 * Where the tools find a running Carepoint: the URL given, else CAREPOINT_URL, else the HOST and PORT that
 * `npm start` listens on (the environment, or `.env` once the caller has loaded it), read with the same
 * schema and defaults.
 */
export function carepointUrl(given: string | undefined, env: Record<string, string | undefined>): string {
  if (given) return given;
  if (env.CAREPOINT_URL) return env.CAREPOINT_URL;
  const port = configSchema.shape.PORT.safeParse(env.PORT);
  const host = configSchema.shape.HOST.safeParse(env.HOST);
  const listening = host.success ? host.data : '127.0.0.1';
  // A server listening on every address is reached on loopback.
  const reachable = listening === '0.0.0.0' || listening === '::' ? '127.0.0.1' : listening;
  return `http://${reachable.includes(':') && !reachable.startsWith('[') ? `[${reachable}]` : reachable}:${port.success ? port.data : 3978}`;
}
