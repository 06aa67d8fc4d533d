import type { Storage, StoreItems } from 'botbuilder';
import type { Database } from '../db/database.js';

interface Cached {
  json: string;
  etag: string;
}

/**
 * botbuilder's Storage on the database, so conversation state survives a restart.
 * eTags give optimistic concurrency exactly as the SDK's own stores do: a write carrying a stale
 * eTag fails; '*' or no eTag overwrites.
 *
 * `cacheSize` keeps the most recently used documents in memory, write-through. Only for a database that
 * this process alone writes (embedded PGlite): with several instances over one server it would read stale state.
 */
export class SqlBotStorage implements Storage {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly db: Database,
    private readonly cacheSize = 0,
  ) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const items: StoreItems = {};
    const missing: string[] = [];
    for (const key of keys) {
      const cached = this.cached(key);
      // A fresh copy each time: the SDK changes the objects it is given.
      if (cached) items[key] = { ...(JSON.parse(cached.json) as object), eTag: cached.etag };
      else missing.push(key);
    }
    if (missing.length === 0) return items;
    const { rows } = await this.db.query<{ key: string; document: Record<string, unknown>; etag: string }>(
      'select key, document, etag from bot_state where key = any($1::text[])',
      [missing],
    );
    for (const row of rows) {
      items[row.key] = { ...row.document, eTag: String(row.etag) };
      this.remember(row.key, JSON.stringify(row.document), String(row.etag));
    }
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...document } = (item ?? {}) as Record<string, unknown> & { eTag?: string };
      const json = JSON.stringify(document);
      const { rows } = eTag === undefined || eTag === '*'
        ? await this.db.query<{ etag: string }>(
            `insert into bot_state (key, document) values ($1, $2::jsonb)
             on conflict (key) do update set document = excluded.document, etag = bot_state.etag + 1, updated_at = now()
             returning etag`,
            [key, json],
          )
        : await this.db.query<{ etag: string }>(
            `update bot_state set document = $2::jsonb, etag = etag + 1, updated_at = now()
             where key = $1 and etag = $3 returning etag`,
            [key, json, Number(eTag)],
          );
      if (rows.length === 0) {
        this.cache.delete(key);
        throw new StaleStateError(key);
      }
      this.remember(key, json, String(rows[0]!.etag));
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    for (const key of keys) this.cache.delete(key);
    await this.db.query('delete from bot_state where key = any($1::text[])', [keys]);
  }

  private cached(key: string): Cached | undefined {
    const entry = this.cache.get(key);
    if (entry) {
      // Most recently used last, so the oldest is first to go.
      this.cache.delete(key);
      this.cache.set(key, entry);
    }
    return entry;
  }

  private remember(key: string, json: string, etag: string): void {
    if (this.cacheSize <= 0) return;
    this.cache.delete(key);
    this.cache.set(key, { json, etag });
    if (this.cache.size > this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
  }
}

export class StaleStateError extends Error {
  constructor(key: string) {
    super(`state for ${key} was changed by another turn`);
    this.name = 'StaleStateError';
  }
}
