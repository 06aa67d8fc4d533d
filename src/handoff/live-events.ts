import { notify, type Queryable } from '../db/database.js';

/**
 * The console's live channel (the console pages listen on exactly this name, and migration 026 on another branch
 * sends on it from triggers): the payload is the concern's id only, never patient data. Sent in the writer's
 * transaction, so a listener hears only of committed changes.
 */
export const CONCERN_CHANGES = 'concern_changes';

export async function concernChanged(q: Queryable, concernId: string): Promise<void> {
  await notify(q, CONCERN_CHANGES, concernId);
}
