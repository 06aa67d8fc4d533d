import { describe, expect, it } from 'vitest';
import { skippedParts } from '../support/global-setup.js';

describe('the line npm test prints about tests it skipped', () => {
  it('names each missing part and how to run its tests, and is absent when nothing is missing', () => {
    expect(skippedParts({ databaseUrl: undefined, chromium: false })).toBe(
      'Skipped here: the storage suite on a PostgreSQL server (start one and set TEST_DATABASE_URL=postgres://...) and the browser tests ' +
        '(apt-get install chromium). .ci/run sets up what is missing and runs every test.',
    );
    expect(skippedParts({ databaseUrl: undefined, chromium: true })).toMatch(/^Skipped here: the storage suite on a PostgreSQL server .*\.ci\/run/);
    expect(skippedParts({ databaseUrl: 'postgres://x', chromium: false })).toMatch(/^Skipped here: the browser tests/);
    expect(skippedParts({ databaseUrl: 'postgres://x', chromium: true })).toBeUndefined();
  });
});
