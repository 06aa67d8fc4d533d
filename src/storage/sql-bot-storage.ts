import type { Storage, StoreItems } from 'botbuilder';
import type { Database } from '../db/database.js';

/**
 * botbuilder's Storage on the database, so conversation state survives a restart.
 * eTags give optimistic concurrency exactly as the SDK's own stores do: a write carrying a stale
 * eTag fails; '*' or no eTag overwrites.
 */
export class SqlBotStorage implements Storage {
  constructor(private readonly db: Database) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const { rows } = await this.db.query<{ key: string; document: Record<string, unknown>; etag: string }>(
      'select key, document, etag from bot_state where key = any($1::text[])',
      [keys],
    );
    const items: StoreItems = {};
    for (const row of rows) items[row.key] = { ...row.document, eTag: String(row.etag) };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...document } = (item ?? {}) as Record<string, unknown> & { eTag?: string };
      if (eTag === undefined || eTag === '*') {
        await this.db.query(
          `insert into bot_state (key, document) values ($1, $2::jsonb)
           on conflict (key) do update set document = excluded.document, etag = bot_state.etag + 1, updated_at = now()`,
          [key, JSON.stringify(document)],
        );
        continue;
      }
      const { rows } = await this.db.query(
        `update bot_state set document = $2::jsonb, etag = etag + 1, updated_at = now()
         where key = $1 and etag = $3 returning key`,
        [key, JSON.stringify(document), Number(eTag)],
      );
      if (rows.length === 0) throw new StaleStateError(key);
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db.query('delete from bot_state where key = any($1::text[])', [keys]);
  }
}

export class StaleStateError extends Error {
  constructor(key: string) {
    super(`state for ${key} was changed by another turn`);
    this.name = 'StaleStateError';
  }
}
