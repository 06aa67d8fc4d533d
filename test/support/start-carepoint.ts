import { Writable } from 'node:stream';
import { buildCarepoint, type Carepoint, type Overrides } from '../../src/compose.js';
import { parseConfig } from '../../src/config.js';
import { freshDataDir } from './database-template.js';

export const DEV_TOKEN = 'test-coordinator-token-0123456789';

export interface RunningCarepoint {
  url: string;
  carepoint: Carepoint;
  dataDir: string;
  /** Every log line written so far, parsed. */
  logLines: () => Record<string, unknown>[];
  logText: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts a real Carepoint on loopback, port 0, with its own data directory (or `dataDir`, to restart on
 * the same data). `env` adds or overrides settings, exactly as the environment would.
 */
export async function startCarepoint(
  options: { env?: Record<string, string>; dataDir?: string; overrides?: Overrides } = {},
): Promise<RunningCarepoint> {
  const dataDir = options.dataDir ?? (await freshDataDir());
  const parsed = parseConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    COORDINATOR_DEV_TOKEN: DEV_TOKEN,
    KNOWLEDGE_DIR: new URL('../../knowledge', import.meta.url).pathname,
    ...options.env,
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  let log = '';
  const destination = new Writable({
    write(chunk, _encoding, done) {
      log += chunk.toString();
      done();
    },
  });
  const carepoint = await buildCarepoint(parsed.config, { logDestination: destination, ...options.overrides });
  const url = await carepoint.listen();
  return {
    url,
    carepoint,
    dataDir,
    logText: () => log,
    logLines: () => log.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>),
    stop: () => carepoint.stop(),
  };
}
