import { LRUCache } from 'lru-cache';
import type MiniSearch from 'minisearch';

interface FuzzyMap {
  fuzzyGet(key: string, maxEditDistance: number): Map<string, unknown>;
}

/**
 * MiniSearch finds a term's typo neighbours by walking its whole tree of terms, on every search: most of the
 * time a question takes. An index that is never changed after it is built always gives a term the same
 * neighbours, and questions share most of their words even when no two are worded alike, so each term's
 * lookup is remembered (bounded, least recently used first out). Call only once every document is added.
 * The results are the same; only the time differs. If a MiniSearch version no longer has this internal
 * lookup, nothing is remembered and search works as before.
 */
export function rememberFuzzyLookups(index: MiniSearch<never> | MiniSearch<object>, max = 5_000): boolean {
  const tree = (index as unknown as { _index?: Partial<FuzzyMap> })._index;
  if (!tree || typeof tree.fuzzyGet !== 'function') return false;
  const lookup = tree.fuzzyGet.bind(tree);
  const known = new LRUCache<string, Map<string, unknown>>({ max });
  tree.fuzzyGet = (key: string, maxEditDistance: number) => {
    const k = `${maxEditDistance} ${key}`;
    let found = known.get(k);
    if (!found) known.set(k, (found = lookup(key, maxEditDistance)));
    // A copy: MiniSearch may delete from what it is given (prefix search does).
    return new Map(found);
  };
  return true;
}
