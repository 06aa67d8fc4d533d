import { notify, type Database, type Queryable } from '../db/database.js';
import type { Logger } from '../logging.js';
import type { RotaFile } from './rota-file.js';

/** Where a saved rota is announced, so that every instance reads the file at once (payload: its version only). */
export const ROTA_CHANNEL = 'rota_changes';

/** Tells every instance the rota file changed, when `q`'s transaction commits. */
export async function announceRotaChange(q: Queryable, version: string): Promise<void> {
  await notify(q, ROTA_CHANNEL, version);
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
