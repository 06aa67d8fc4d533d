import { describe, expect, it } from 'vitest';
import { WriteBatcher } from '../../src/db/write-batcher.js';

/** A write that takes until released, so the test decides what arrives while one is in flight. */
function gatedWriter() {
  const batches: number[][] = [];
  const gates: (() => void)[] = [];
  let failNext = false;
  const write = async (items: number[]) => {
    batches.push(items);
    await new Promise<void>((open) => gates.push(open));
    if (failNext) {
      failNext = false;
      throw new Error('storage down');
    }
    return items.map((n) => n * 10);
  };
  return { batches, write, release: () => gates.shift()?.(), failNextBatch: () => (failNext = true) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('WriteBatcher', () => {
  it('writes at once when quiet, and together what arrives while a write is in flight', async () => {
    const w = gatedWriter();
    const batcher = new WriteBatcher(w.write);
    const first = batcher.add(1);
    await tick();
    expect(w.batches).toEqual([[1]]);
    const rest = [2, 3, 4].map((n) => batcher.add(n));
    await tick();
    expect(w.batches).toEqual([[1]]);
    w.release();
    await first;
    await tick();
    expect(w.batches).toEqual([[1], [2, 3, 4]]);
    w.release();
    await Promise.all(rest);
  });

  it('fails only the item that fails: a failed batch is written again one item at a time', async () => {
    const written: number[][] = [];
    const batcher = new WriteBatcher<number, number>(async (items) => {
      written.push(items);
      await new Promise((r) => setImmediate(r));
      if (items.includes(13)) throw new Error('bad item');
      return items.map((n) => n * 10);
    });
    const outcomes = await Promise.allSettled([1, 2, 13, 4].map((n) => batcher.add(n)));
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([10, 20, 'bad item', 40]);
    expect(written).toEqual([[1], [2, 13, 4], [2], [13], [4]]);
  });

  it('fails a lone item with its own error, and carries on', async () => {
    const w = gatedWriter();
    const batcher = new WriteBatcher(w.write);
    const first = batcher.add(1);
    await tick();
    const second = [batcher.add(2), batcher.add(3)];
    w.failNextBatch();
    w.release();
    await expect(first).rejects.toThrow('storage down');
    await tick();
    w.release();
    await expect(Promise.all(second)).resolves.toEqual([20, 30]);
    expect(w.batches).toEqual([[1], [2, 3]]);
  });

  it('splits a long queue into batches of at most the given size', async () => {
    const w = gatedWriter();
    const batcher = new WriteBatcher(w.write, { maxBatch: 2 });
    const all = [1, 2, 3, 4, 5].map((n) => batcher.add(n));
    for (let i = 0; i < 3; i++) {
      await tick();
      w.release();
    }
    await Promise.all(all);
    expect(w.batches).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('never puts two items with the same key in one batch, and gives each caller its own result', async () => {
    const w = gatedWriter();
    const batcher = new WriteBatcher(w.write, { keyOf: (n) => String(n % 3) });
    const all = [1, 2, 4, 5, 6].map((n) => batcher.add(n));
    for (let i = 0; i < 3; i++) {
      await tick();
      w.release();
    }
    expect(await Promise.all(all)).toEqual([10, 20, 40, 50, 60]);
    expect(w.batches).toEqual([[1], [2, 4, 6], [5]]);
  });
});
