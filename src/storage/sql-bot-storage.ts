import type { Storage, StoreItems } from 'botbuilder';
import type { Database } from '../db/database.js';
import { storableJson } from '../db/storable.js';
import { LRUCache } from 'lru-cache';
import { WriteBatcher } from '../db/write-batcher.js';

interface Cached {
  json: string;
  etag: string;
}

interface StateWrite {
  key: string;
  json: string;
  /** The eTag the write was based on; null overwrites whatever is there. */
  etag: number | null;
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
  private readonly cache?: LRUCache<string, Cached>;
  // Concurrent turns' state goes in one statement (see WriteBatcher); one key at most once per statement.
  // Deletes go straight to the database: the SDK awaits a write before it deletes, and turns of one
  // conversation never overlap (ConversationOrder), so a queued write is never overtaken.
  private readonly writes = new WriteBatcher<StateWrite, string | undefined>((batch) => this.writeBatch(batch), {
    keyOf: (w) => w.key,
  });

  constructor(
    private readonly db: Database,
    cacheSize = 0,
  ) {
    if (cacheSize > 0) this.cache = new LRUCache({ max: cacheSize });
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const items: StoreItems = {};
    const missing: string[] = [];
    for (const key of keys) {
      const cached = this.cache?.get(key);
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
    await Promise.all(Object.entries(changes).map(async ([key, item]) => {
      const { eTag, ...document } = (item ?? {}) as Record<string, unknown> & { eTag?: string };
      const json = storableJson(document);
      const etag = await this.writes.add({ key, json, etag: eTag === undefined || eTag === '*' ? null : Number(eTag) });
      if (etag === undefined) {
        this.cache?.delete(key);
        throw new StaleStateError(key);
      }
      this.remember(key, json, etag);
    }));
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    for (const key of keys) this.cache?.delete(key);
    await this.db.query('delete from bot_state where key = any($1::text[])', [keys]);
  }

  /** The new eTag of each write, or undefined where its eTag was stale. */
  private async writeBatch(batch: StateWrite[]): Promise<(string | undefined)[]> {
    const { rows } = await this.db.query<{ key: string; etag: string }>(
      `with input as (
         select * from unnest($1::text[], $2::text[], $3::bigint[]) as i(key, document, etag)
       ),
       updated as (
         update bot_state b set document = i.document::jsonb, etag = b.etag + 1, updated_at = now()
         from input i where i.etag is not null and b.key = i.key and b.etag = i.etag
         returning b.key, b.etag
       ),
       overwritten as (
         insert into bot_state (key, document) select key, document::jsonb from input where etag is null order by key
         on conflict (key) do update set document = excluded.document, etag = bot_state.etag + 1, updated_at = now()
         returning key, etag
       )
       select key, etag from updated union all select key, etag from overwritten`,
      [batch.map((w) => w.key), batch.map((w) => w.json), batch.map((w) => w.etag)],
    );
    const written = new Map(rows.map((r) => [r.key, String(r.etag)]));
    return batch.map((w) => written.get(w.key));
  }

  private remember(key: string, json: string, etag: string): void {
    this.cache?.set(key, { json, etag });
  }
}

export class StaleStateError extends Error {
  constructor(key: string) {
    super(`state for ${key} was changed by another turn`);
    this.name = 'StaleStateError';
  }
}
