import type { ActedBy } from '../concerns/actions.js';
import { appendAudit } from '../concerns/audit/append-audit.js';
import { notify, type Database, type Queryable } from '../db/database.js';
import type { Logger } from '../logging.js';
import type { RotaFile } from './rota-file.js';
import { saveRotaText, type RotaSave } from './rota-save.js';

/** Where a saved rota is announced, so that every instance reads the file at once (payload: its version only). */
export const ROTA_CHANNEL = 'rota_changes';

/** Tells every instance the rota file changed, when `q`'s transaction commits. */
export async function announceRotaChange(q: Queryable, version: string): Promise<void> {
  await notify(q, ROTA_CHANNEL, version);
}

/**
 * A rota saved by a person (the console's rota page): one save at a time across every instance (an advisory lock
 * the transaction holds), so a version check and a rename never interleave with another save's; who made it in
 * the audit log (versions and counts, never a number); and every instance told to read the file again as it
 * commits. The file is written before the commit: were the audit line to fail, the file is new but unannounced,
 * and the watchers still pick it up.
 */
export async function saveRota(db: Database, input: { path: string; text: string; editedVersion: string | undefined; by: ActedBy }): Promise<RotaSave> {
  return db.transaction(async (tx) => {
    await tx.query(`select pg_advisory_xact_lock(hashtext('carepoint:rota-file'))`);
    const saved = await saveRotaText(input.path, input.text, input.editedVersion);
    if (!saved.ok) return saved;
    await appendAudit(tx, {
      actor: input.by.actor, action: 'rota-change', source: input.by.source,
      detail: { file: input.path, version: saved.version, previousVersion: saved.previousVersion ?? null, people: saved.rota.people.size, shifts: saved.rota.shifts.length, overrides: saved.rota.overrides.length },
    });
    await announceRotaChange(tx, saved.version);
    return saved;
  });
}

/**
 * Reads the rota file again whenever any instance announces a save. The file watcher would get there too, but
 * not on shared storage that sends no change events (NFS, some mounted volumes), and only after its debounce;
 * a missed notification leaves the watcher as the fallback. A worker: started once listening, stopped before
 * the database closes.
 */
export function followRotaChanges(db: Pick<Database, 'listen'>, rota: Pick<RotaFile, 'reload'>, logger: Logger): { start(): void; stop(): Promise<void> } {
  let listening: Promise<(() => Promise<void>) | undefined> | undefined;
  return {
    start() {
      listening = db.listen(ROTA_CHANNEL, () => void rota.reload()).catch((err: unknown) => {
        logger.error({ err, event: 'rota-follow-failed' }, 'rota saves on other instances will be seen by the file watcher only');
        return undefined;
      });
    },
    async stop() {
      const unlisten = await listening;
      await unlisten?.().catch(() => undefined);
    },
  };
}
