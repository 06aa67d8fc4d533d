import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FULL_ROTA, tempDir, WEEKDAY_ROTA, writeRota } from './fixtures.js';

const root = join(import.meta.dirname, '../..');
function rota(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src/tools/rota.ts'), ...args], { encoding: 'utf8', cwd: root, env: { ...process.env, ...env } });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('npm run rota -- check', () => {
  it('lists each gap in cover over the weeks asked for, and exits 1', async () => {
    const path = await writeRota(await tempDir(), WEEKDAY_ROTA);
    // Two weeks from Monday 23 March 2026: the clocks go forward in the first weekend's gap.
    const { code, out } = rota(['check', '--file', path, '--from', '2026-03-23', '--weeks', '2']);
    expect(out.trim().split('\n')).toEqual([
      'gap: Mon 23 Mar 2026 00:00 GMT to Mon 23 Mar 2026 08:00 GMT (8 h): no one on call, only the final contact (Duty manager)',
      'gap: Fri 27 Mar 2026 18:00 GMT to Mon 30 Mar 2026 08:00 BST (2 days 13 h): no one on call, only the final contact (Duty manager)',
      'gap: Fri 3 Apr 2026 18:00 BST to Mon 6 Apr 2026 00:00 BST (2 days 6 h): no one on call, only the final contact (Duty manager)',
      '4 people, 2 shift(s), 0 override(s); 2 week(s) from Mon 23 Mar 2026 00:00 GMT: 3 gap(s)',
    ]);
    expect(code).toBe(1);
  }, 30_000);

  it('exits 0 for a rota that covers every hour; reads ROTA_FILE when no --file is given', async () => {
    const path = await writeRota(await tempDir(), FULL_ROTA);
    const { code, out } = rota(['check', '--from', '2026-10-19T12:00'], { ROTA_FILE: path });
    expect(out.trim()).toBe('4 people, 4 shift(s), 1 override(s); 8 week(s) from Mon 19 Oct 2026 12:00 BST: covered throughout');
    expect(code).toBe(0);
  }, 30_000);

  it('prints file:line for each problem in a bad file, and exits 1', async () => {
    const path = await writeRota(await tempDir(), FULL_ROTA.replace('primary: kim, backup: jo', 'primary: kym, backup: jo'));
    const { code, out } = rota(['check', '--file', path]);
    const line = FULL_ROTA.split('\n').findIndex((l) => l.includes('primary: kim, backup: jo')) + 1;
    expect(out.trim().split('\n')).toEqual([
      `${path}:${line}: error: primary: "kym" is not one of the people listed under people:`,
      '1 problem(s): the rota cannot be used until they are fixed',
    ]);
    expect(code).toBe(1);
  }, 30_000);

  it('says so when there is no rota file (exit 1), and explains its usage (exit 2)', async () => {
    const path = join(await tempDir(), 'rota.yaml');
    expect(rota(['check', '--file', path])).toMatchObject({ code: 1, out: `${path}: no rota file: no one is on call\n` });
    expect(rota(['check', '--weeks', 'many', '--file', path])).toMatchObject({ code: 2, err: expect.stringContaining('--weeks') });
    expect(rota(['chekc'])).toMatchObject({ code: 2, err: expect.stringContaining('usage: npm run rota -- check') });
  }, 30_000);
});
