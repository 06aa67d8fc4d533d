import MiniSearch from 'minisearch';
import { describe, expect, it } from 'vitest';
import { rememberFuzzyLookups } from '../../src/knowledge/fuzzy-lookups.js';

const DOCS = ['inhaler spacer cleaning', 'repeat prescription pharmacy', 'hospital appointment letter', 'inhalers and puffers'].map((text, id) => ({ id, text }));

function index() {
  const search = new MiniSearch<{ id: number; text: string }>({ fields: ['text'], searchOptions: { fuzzy: 0.3 } });
  search.addAll(DOCS);
  return search;
}

describe('remembered fuzzy lookups', () => {
  it('give the same results as MiniSearch walking its tree, and walk it once per term', () => {
    const plain = index();
    const remembering = index();
    const tree = (remembering as unknown as { _index: { fuzzyGet: (k: string, d: number) => Map<string, unknown> } })._index;
    let walks = 0;
    const walk = tree.fuzzyGet.bind(tree);
    tree.fuzzyGet = (k, d) => {
      walks++;
      return walk(k, d);
    };
    // The installed MiniSearch has the lookup: a version without it would quietly lose the speed, so say so here.
    expect(rememberFuzzyLookups(remembering)).toBe(true);
    for (const q of ['inhlaer', 'perscription pharmcy', 'apointment', 'inhlaer spacr', 'inhlaer']) {
      expect(remembering.search(q)).toEqual(plain.search(q));
    }
    expect(walks).toBe(5); // inhlaer, perscription, pharmcy, apointment, spacr: each once
  });
});
