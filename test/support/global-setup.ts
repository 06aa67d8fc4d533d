import { prepareDatabaseTemplate } from './database-template.js';

/** Creating a PGlite data directory takes seconds (initdb); do it once and copy it per test. */
export default async function setup(): Promise<void> {
  await prepareDatabaseTemplate();
}
