/**
 * Natural batching for writes that many turns make at once: a write goes straight to the database when
 * none of its kind is in flight; those that arrive meanwhile wait and then go together, as one statement.
 * Under load that is one statement for many turns; when quiet, no write waits for another.
 * Each caller's promise settles when the statement holding its item has committed, with that item's own
 * result. When a batch fails, its items are written again one at a time, so only a failing item fails.
 */
export class WriteBatcher<Item, Result = void> {
  private waiting: { item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }[] = [];
  private writing = false;

  constructor(
    /** Writes a batch; returns one result per item, in the same order. */
    private readonly write: (items: Item[]) => Promise<Result[]>,
    private readonly options: {
      maxBatch?: number;
      /** Items with the same key never share a batch: a later one waits for the next. */
      keyOf?: (item: Item) => string;
    } = {},
  ) {}

  add(item: Item): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const batch = this.nextBatch();
      try {
        const results = await this.write(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results[i]!));
      } catch (error) {
        if (batch.length === 1) batch[0]!.reject(error);
        // One bad item (or a deadlock with another instance) must not fail the others: each goes alone.
        else for (const b of batch) await this.write([b.item]).then(([result]) => b.resolve(result!), b.reject);
      }
    }
    this.writing = false;
  }

  private nextBatch() {
    const { maxBatch = 200, keyOf } = this.options;
    const keys = new Set<string>();
    const batch: typeof this.waiting = [];
    const later: typeof this.waiting = [];
    for (const entry of this.waiting) {
      const key = keyOf?.(entry.item);
      if (batch.length >= maxBatch || (key !== undefined && keys.has(key))) later.push(entry);
      else {
        batch.push(entry);
        if (key !== undefined) keys.add(key);
      }
    }
    this.waiting = later;
    return batch;
  }
}
