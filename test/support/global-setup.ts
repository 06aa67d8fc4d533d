import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasChromium } from './chromium.js';
import { prepareDatabaseTemplate } from './database-template.js';
import { TEST_DATABASE_URL } from './postgres.js';

/**
 * Creating a PGlite data directory takes seconds (initdb): do it once, kept between runs, and copy it per
 * test. Everything tests make in the temporary directory (data directories, knowledge folders, browser
 * profiles) goes into one folder for the run, removed at the end: a PGlite directory is 40 MB, and a full
 * run makes hundreds.
 */
export default async function setup(): Promise<() => void> {
  process.env.CAREPOINT_PGLITE_TEMPLATE = await prepareDatabaseTemplate();
  const scratch = mkdtempSync(join(tmpdir(), 'carepoint-test-run-'));
  process.env.TMPDIR = scratch;
  return () => {
    rmSync(scratch, { recursive: true, force: true, maxRetries: 5 });
    const skipped = skippedParts({ databaseUrl: TEST_DATABASE_URL, chromium: hasChromium });
    if (skipped) console.log(skipped);
  };
}

/** One line naming the tests this machine cannot run (CI never skips them), and how to run them. */
export function skippedParts(found: { databaseUrl: string | undefined; chromium: boolean }): string | undefined {
  const parts = [
    ...(found.databaseUrl ? [] : ['the storage suite on a PostgreSQL server (start one and set TEST_DATABASE_URL=postgres://...)']),
    ...(found.chromium ? [] : ['the browser tests (apt-get install chromium)']),
  ];
  if (parts.length === 0) return undefined;
  return `Skipped here: ${parts.join(' and ')}. .ci/run sets up what is missing and runs every test.`;
}
