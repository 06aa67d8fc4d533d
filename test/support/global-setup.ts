import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDatabaseTemplate } from './database-template.js';

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
  return () => rmSync(scratch, { recursive: true, force: true, maxRetries: 5 });
}
