import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDataDir } from '../support/database-template.js';
import { startCarepoint } from '../support/start-carepoint.js';
import { FULL_ROTA, WEEKDAY_ROTA } from './fixtures.js';

describe('the composition root and the rota', () => {
  it('reads rota.yaml in DATA_DIR, follows an edit, and stops watching on stop', async () => {
    const dataDir = await freshDataDir();
    const path = join(dataDir, 'rota.yaml');
    await writeFile(path, WEEKDAY_ROTA);
    const server = await startCarepoint({ dataDir });
    try {
      const { rota } = server.carepoint;
      expect(rota.current()?.shifts).toHaveLength(2);
      const changed = new Promise((resolve) => rota.onChange(resolve));
      await writeFile(path, FULL_ROTA);
      expect(await changed).toMatchObject({ shifts: expect.any(Array), overrides: [expect.objectContaining({ primary: 'alex' })] });
    } finally {
      await server.stop();
    }
    expect(server.logText()).not.toMatch(/7700900/);
  }, 60_000);
});
