import { describe, expect, it } from 'vitest';
import { freshDataDir } from '../support/database-template.js';
import { startServerProcess } from '../support/server-process.js';

describe('npm start without Entra ID on loopback', () => {
  it('prints one one-time console sign-in link, which signs in once', async () => {
    const server = await startServerProcess({ DATA_DIR: await freshDataDir(), NODE_ENV: 'development' });
    try {
      // Printed just after the server listens, so maybe just after /readyz first answers.
      for (let i = 0; i < 50 && !server.output().includes('/console/dev-sign-in?token='); i++) await new Promise((r) => setTimeout(r, 100));
      const lines = server.output().split('\n').filter((l) => l.includes('/console/dev-sign-in?token='));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^Console sign-in \(once, within 10 minutes\): http:\/\/127\.0\.0\.1:\d+\/console\/dev-sign-in\?token=[\w-]{43}$/);
      const link = /(http\S+)/.exec(lines[0]!)![1]!;
      expect(link.startsWith(server.url)).toBe(true);
      // The secret is on the terminal only, never in a JSON log line.
      expect(server.output().split('\n').filter((l) => l.startsWith('{') && l.includes(new URL(link).searchParams.get('token')!))).toEqual([]);
      expect((await fetch(link, { redirect: 'manual' })).status).toBe(302);
      expect((await fetch(link, { redirect: 'manual' })).status).toBe(401);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 90_000);
});
