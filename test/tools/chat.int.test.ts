import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carepointUrl } from '../../src/tools/server-url.js';
import { startCarepoint, type RunningCarepoint } from '../support/start-carepoint.js';

const CHAT = fileURLToPath(new URL('../../src/tools/chat.ts', import.meta.url));

/** `npm run chat` in `cwd` with `env`, saying `lines`; resolves with everything it printed. */
function chat(cwd: string, env: Record<string, string>, lines: string[]): Promise<string> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), CHAT], { cwd, env: { PATH: process.env.PATH, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  child.stdin.end(lines.map((l) => `${l}\n`).join(''));
  return new Promise((resolve) => child.once('exit', () => resolve(output)));
}

let server: RunningCarepoint;
beforeAll(async () => {
  server = await startCarepoint();
});
afterAll(async () => server.stop());

describe('npm run chat', () => {
  it('talks to the server on the PORT in the environment, as npm start listens', async () => {
    const output = await chat(mkdtempSync(join(tmpdir(), 'carepoint-chat-')), { PORT: new URL(server.url).port }, ['/quit']);
    expect(output).toMatch(/Carepoint: .*not for emergencies/s);
  });

  it('and on the PORT in .env', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'carepoint-chat-'));
    writeFileSync(join(dir, '.env'), `PORT=${new URL(server.url).port}\nHOST=127.0.0.1\n`);
    const output = await chat(dir, {}, ['how do i get a repeat prescription', '/quit']);
    expect(output).toMatch(/Source: /);
  });

  it('finds HOST and PORT as npm start reads them, a URL given first', () => {
    expect(carepointUrl(undefined, {})).toBe('http://127.0.0.1:3978');
    expect(carepointUrl(undefined, { PORT: '4000', HOST: '0.0.0.0' })).toBe('http://127.0.0.1:4000');
    expect(carepointUrl(undefined, { PORT: '4000', HOST: '::1' })).toBe('http://[::1]:4000');
    expect(carepointUrl(undefined, { PORT: '4000', CAREPOINT_URL: 'http://x:1' })).toBe('http://x:1');
    expect(carepointUrl('http://y:2', { PORT: '4000' })).toBe('http://y:2');
  });
});
