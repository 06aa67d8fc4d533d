import { FeatureStrings, visitFeatures, wordFacts, type FeatureVisitor, type StemFacts } from './risk-features.js';

/**
 * A feature the classifier knows: its weight in the emergency odds (none when the library gave it none),
 * and where its terms are in the kinds model (none when that model never saw it).
 */
export interface KnownFeature {
  readonly weight: number | undefined;
  readonly kind: number | undefined;
  /** Its number in the table (0, 1, 2...), so that a message's features are each found once without a Set. */
  readonly number: number;
}

/** What a feature is made of: a stem alone, a stem in a scope ("not_"), or a pair of stems. */
type Shape = { kind: 'alone'; stem: string } | { kind: 'scoped'; scope: string; stem: string } | { kind: 'pair'; first: string; second: string };

/**
 * Features written out as riskFeatures writes them (training reads the corpus with it), remembering what
 * each is made of, for the FeatureTable.
 */
export class FeatureShapes extends FeatureStrings {
  readonly shapes = new Map<string, Shape>();

  override stem(stem: StemFacts): string {
    return this.remember(super.stem(stem), () => ({ kind: 'alone', stem: stem.stem }));
  }

  override scoped(scope: string, stem: StemFacts): string {
    return this.remember(super.scoped(scope, stem), () => ({ kind: 'scoped', scope, stem: stem.stem }));
  }

  override pair(first: StemFacts, second: StemFacts): string {
    return this.remember(super.pair(first, second), () => ({ kind: 'pair', first: first.stem, second: second.stem }));
  }

  private remember(name: string, shape: () => Shape): string {
    if (!this.shapes.has(name)) this.shapes.set(name, shape());
    return name;
  }
}

/**
 * A word of a message as the table reads it: its stem's facts, number, and features of its own. A class,
 * so that every one has the same shape: reading them is then quick (object spreads made this three times slower).
 */
export class TableWord implements StemFacts {
  readonly stem: string;
  readonly opener: string | undefined;
  readonly little: boolean;

  constructor(
    facts: StemFacts,
    /** The stem's number (none: no feature the classifier knows has it). */
    readonly number: number | undefined,
    readonly alone: KnownFeature | undefined,
    /** Its features as the first content word after "not" or "if", by scope. */
    readonly scoped: ReadonlyMap<string, KnownFeature> | undefined,
  ) {
    this.stem = facts.stem;
    this.opener = facts.opener;
    this.little = facts.little;
  }
}

/** Stems are numbered below this, so that a pair's key stays a small integer (below 2^30). */
const MOST_STEMS = 16_000;
/** Words read, remembered; a bound, so made-up words cannot grow it for ever. */
const REMEMBERED_WORDS = 50_000;

/**
 * The classifier's features by what they are made of, so that a message's features are found by looking up
 * each word once (its stem, its features alone and scoped) and each pair of neighbours by a whole number made
 * from their stems' numbers, instead of writing every feature out as a new string to hash and compare (most
 * of the cost of scoring a message).
 */
export class FeatureTable {
  private readonly stemNumbers = new Map<string, number>();
  private readonly alone = new Map<string, KnownFeature>();
  private readonly scoped = new Map<string, Map<string, KnownFeature>>();
  private readonly pairs: PairTable;
  private readonly words = new Map<string, TableWord>();
  private readonly byNumber: KnownFeature[] = [];
  /** For each feature (by number), the message that last found it (see FeatureFinder). */
  private readonly foundIn: Int32Array;
  private messages = 0;

  /** `known`: what the classifier knows of a feature, by name; features it knows nothing of are left out. */
  constructor(shapes: FeatureShapes, known: (feature: string) => Omit<KnownFeature, 'number'>) {
    const pairs = new Map<number, number>();
    for (const [name, shape] of shapes.shapes) {
      const { weight, kind } = known(name);
      if (weight === undefined && kind === undefined) continue;
      const feature: KnownFeature = { weight, kind, number: this.byNumber.length };
      this.byNumber.push(feature);
      if (shape.kind === 'alone') this.alone.set(this.numbered(shape.stem), feature);
      else if (shape.kind === 'scoped') {
        const stem = this.numbered(shape.stem);
        let byScope = this.scoped.get(stem);
        if (!byScope) this.scoped.set(stem, (byScope = new Map()));
        byScope.set(shape.scope, feature);
      } else pairs.set(pairKey(this.stemNumbers.get(this.numbered(shape.first))!, this.stemNumbers.get(this.numbered(shape.second))!), feature.number);
    }
    this.foundIn = new Int32Array(this.byNumber.length);
    this.pairs = new PairTable(pairs);
  }

  /** The message's known features (its words as riskFeatures reads them), each once, in riskFeatures' order. */
  find(words: readonly string[]): KnownFeature[] {
    return this.findRead(words.map((word) => this.word(word)));
  }

  /** find, from the message's words already read (see read). */
  findRead(words: readonly TableWord[]): KnownFeature[] {
    // Numbered in an Int32Array (half the memory of doubles): started again before the numbers run out.
    if (this.messages === 0x7fffffff) {
      this.foundIn.fill(0);
      this.messages = 0;
    }
    const finder = new FeatureFinder(this.pairs, this.byNumber, this.foundIn, ++this.messages);
    visitFeatures(words, finder);
    return finder.found;
  }

  /** A word as the table reads it, not remembered here: for a caller that remembers words of its own. */
  read(word: string): TableWord {
    const facts = wordFacts(word);
    return new TableWord(facts, this.stemNumbers.get(facts.stem), this.alone.get(facts.stem), this.scoped.get(facts.stem));
  }

  private word(word: string): TableWord {
    let read = this.words.get(word);
    if (!read) {
      if (this.words.size >= REMEMBERED_WORDS) this.words.clear();
      read = this.read(word);
      this.words.set(word, read);
    }
    return read;
  }

  /** The stem, given a number when first seen. */
  private numbered(stem: string): string {
    if (!this.stemNumbers.has(stem)) {
      if (this.stemNumbers.size >= MOST_STEMS) throw new Error(`the classifier knows features of more than ${MOST_STEMS} stems`);
      this.stemNumbers.set(stem, this.stemNumbers.size);
    }
    return stem;
  }
}

function pairKey(first: number, second: number): number {
  return first * MOST_STEMS + second;
}

/**
 * The known pairs of stems by key, in one typed array: open addressing, each slot a key (plus one; 0 is an
 * empty slot) beside its feature's number, at most half full, so a look-up reads a slot or two side by side.
 * As a Map, whose entries lie scattered over the heap, the pairs were the costliest part of finding a
 * message's features: a cache miss or two for every word on a busy machine.
 */
class PairTable {
  private readonly slots: Int32Array;
  private readonly shift: number;

  /** `pairs`: each pair's feature number by key. */
  constructor(pairs: ReadonlyMap<number, number>) {
    let bits = 2;
    while (1 << bits < pairs.size * 2) bits++;
    this.shift = 32 - bits;
    this.slots = new Int32Array(2 << bits);
    for (const [key, feature] of pairs) {
      let at = this.home(key);
      while (this.slots[at] !== 0) at = (at + 2) % this.slots.length;
      this.slots[at] = key + 1;
      this.slots[at + 1] = feature;
    }
  }

  /** The pair's feature number, or -1. */
  get(key: number): number {
    for (let at = this.home(key); ; at = (at + 2) % this.slots.length) {
      const found = this.slots[at]!;
      if (found === 0) return -1;
      if (found === key + 1) return this.slots[at + 1]!;
    }
  }

  /** The key's first slot: Fibonacci hashing (the top bits of the key times 2^32 / golden ratio). */
  private home(key: number): number {
    return (Math.imul(key, 0x9e3779b1) >>> this.shift) * 2;
  }
}

/** A message's known features, each once, in the order first found. */
class FeatureFinder implements FeatureVisitor<TableWord> {
  readonly found: KnownFeature[] = [];

  constructor(
    private readonly pairs: PairTable,
    private readonly byNumber: readonly KnownFeature[],
    /** Which message last found each feature (by number): `message` is this one. */
    private readonly foundIn: Int32Array,
    private readonly message: number,
  ) {}

  stem(stem: TableWord): void {
    if (stem.alone) this.add(stem.alone.number);
  }

  scoped(scope: string, stem: TableWord): void {
    const feature = stem.scoped?.get(scope);
    if (feature) this.add(feature.number);
  }

  pair(first: TableWord, second: TableWord): void {
    if (first.number === undefined || second.number === undefined) return;
    const feature = this.pairs.get(pairKey(first.number, second.number));
    if (feature >= 0) this.add(feature);
  }

  private add(feature: number): void {
    if (this.foundIn[feature] === this.message) return;
    this.foundIn[feature] = this.message;
    this.found.push(this.byNumber[feature]!);
  }
}
