import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLogger, prettyDestination } from '../../src/logging.js';
import { freshDataDir } from '../support/database-template.js';
import { freePort } from '../support/server-process.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('log lines for a developer at a terminal', () => {
  it('are readable, and redacted as the JSON lines are', async () => {
    let written = '';
    const output = new Writable({ write(chunk, _e, done) { written += chunk; done(); } });
    const logger = createLogger({ level: 'info', destination: (await prettyDestination(output))! });
    logger.info({ event: 'demo', text: 'my dad cannot breathe', phone: '+447700900461' }, 'turn');
    expect(written).toMatch(/INFO.*turn/);
    expect(written).toContain('event: "demo"');
    expect(written).not.toContain('cannot breathe');
    expect(written).not.toContain('7700900461');
    expect(written.trimStart().startsWith('{')).toBe(false);
  });

  // `script` (util-linux) gives the server a terminal as its stdout, as `npm start` in a shell has.
  it.skipIf(!existsSync('/usr/bin/script'))('are what npm start prints in development when stdout is a terminal', async () => {
    const env = { PATH: process.env.PATH, NODE_ENV: 'development', HOST: '127.0.0.1', PORT: String(await freePort()), DATA_DIR: await freshDataDir() };
    const child = spawn('/usr/bin/script', ['-qec', `${process.execPath} --disable-warning=DEP0111 --import tsx src/main.ts`, '/dev/null'], { cwd: ROOT, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const deadline = Date.now() + 60_000;
      while (!output.includes('Carepoint listening')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no start-up line:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const line = output.split('\n').find((l) => l.includes('Carepoint listening'))!;
      expect(line).toMatch(/INFO/);
      expect(line).not.toMatch(/^\s*\{"level"/);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  }, 90_000);
});
