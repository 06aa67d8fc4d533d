/**
 * Natural batching for writes that many turns make at once: a write goes straight to the database when
 * none of its kind is in flight; those that arrive meanwhile wait and then go together, as one statement.
 * Under load that is one statement for many turns; when quiet, no write waits for another.
 * Each caller's promise settles when the statement holding its item has committed (or failed).
 */
export class WriteBatcher<Item> {
  private waiting: { item: Item; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private writing = false;

  constructor(
    private readonly write: (items: Item[]) => Promise<void>,
    private readonly maxBatch = 200,
  ) {}

  add(item: Item): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxBatch);
      try {
        await this.write(batch.map((b) => b.item));
        for (const b of batch) b.resolve();
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    this.writing = false;
  }
}
