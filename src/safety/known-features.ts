import { FeatureStrings, visitFeatures, wordFacts, type FeatureVisitor, type StemFacts } from './risk-features.js';

/**
 * What the classifier knows of a feature: its weight in the emergency odds (none when the library gave it
 * none), and where its terms are in the kinds model (none when that model never saw it).
 */
export interface FeatureFacts {
  readonly weight: number | undefined;
  readonly kind: number | undefined;
}

/**
 * A message's known features, as the emergency odds and the kinds model need them, gathered as each feature
 * is first found (in riskFeatures' order): the prior plus their weights, added in that order (so the sum is
 * the one a list of them would give), how many had one, and their kinds-model offsets in order.
 */
export interface FoundFeatures {
  readonly score: number;
  readonly weighted: number;
  readonly kinds: readonly number[];
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
    /** Its feature alone, by number (-1: none the classifier knows). */
    readonly alone: number,
    /** Its features (by number) as the first content word after "not" or "if", by scope. */
    readonly scoped: ReadonlyMap<string, number> | undefined,
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
  private readonly alone = new Map<string, number>();
  private readonly scoped = new Map<string, Map<string, number>>();
  private readonly pairs: PairTable;
  private readonly words = new Map<string, TableWord>();
  /** Each feature's weight and kinds-model offset by its number, side by side in typed arrays (see FeatureFinder). */
  private readonly weights: Float64Array;
  private readonly weighted: Uint8Array;
  private readonly kinds: Int32Array;
  /** For each feature (by number), the message that last found it (see FeatureFinder). */
  private readonly foundIn: Int32Array;
  private messages = 0;
  /** One finder, used for every message: what it found is good until the next message. */
  private readonly finder: FeatureFinder;

  /**
   * `known`: what the classifier knows of a feature, by name; features it knows nothing of are left out.
   * `prior`: where the emergency odds start, before any feature's weight.
   */
  constructor(shapes: FeatureShapes, known: (feature: string) => FeatureFacts, prior: number) {
    const pairs = new Map<number, number>();
    const facts: FeatureFacts[] = [];
    for (const [name, shape] of shapes.shapes) {
      const fact = known(name);
      if (fact.weight === undefined && fact.kind === undefined) continue;
      const number = facts.length;
      facts.push(fact);
      if (shape.kind === 'alone') this.alone.set(this.numbered(shape.stem), number);
      else if (shape.kind === 'scoped') {
        const stem = this.numbered(shape.stem);
        let byScope = this.scoped.get(stem);
        if (!byScope) this.scoped.set(stem, (byScope = new Map()));
        byScope.set(shape.scope, number);
      } else pairs.set(pairKey(this.stemNumbers.get(this.numbered(shape.first))!, this.stemNumbers.get(this.numbered(shape.second))!), number);
    }
    this.weights = Float64Array.from(facts, (f) => f.weight ?? 0);
    this.weighted = Uint8Array.from(facts, (f) => (f.weight === undefined ? 0 : 1));
    this.kinds = Int32Array.from(facts, (f) => f.kind ?? -1);
    this.foundIn = new Int32Array(facts.length);
    this.pairs = new PairTable(pairs);
    this.finder = new FeatureFinder(this.pairs, this.weights, this.weighted, this.kinds, this.foundIn, prior);
  }

  /** The message's known features (its words as riskFeatures reads them), each once, in riskFeatures' order. */
  find(words: readonly string[]): FoundFeatures {
    return this.findRead(words.map((word) => this.word(word)));
  }

  /** find, from the message's words already read (see read). Good until the next message is read. */
  findRead(words: readonly TableWord[]): FoundFeatures {
    // Numbered in an Int32Array (half the memory of doubles): started again before the numbers run out.
    if (this.messages === 0x7fffffff) {
      this.foundIn.fill(0);
      this.messages = 0;
    }
    this.finder.start(++this.messages);
    visitFeatures(words, this.finder);
    return this.finder;
  }

  /** A word as the table reads it, not remembered here: for a caller that remembers words of its own. */
  read(word: string): TableWord {
    const facts = wordFacts(word);
    return new TableWord(facts, this.stemNumbers.get(facts.stem), this.alone.get(facts.stem) ?? -1, this.scoped.get(facts.stem));
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

/**
 * A message's known features, each once, in the order first found: the odds added up and the kinds-model
 * offsets gathered as each is found, from typed arrays by feature number (no object read, none made).
 */
class FeatureFinder implements FeatureVisitor<TableWord>, FoundFeatures {
  score = 0;
  weighted = 0;
  kinds: number[] = [];
  private message = 0;

  constructor(
    private readonly pairs: PairTable,
    private readonly weights: Float64Array,
    private readonly hasWeight: Uint8Array,
    private readonly kindOffsets: Int32Array,
    /** Which message last found each feature (by number): `message` is this one. */
    private readonly foundIn: Int32Array,
    private readonly prior: number,
  ) {}

  start(message: number): void {
    this.message = message;
    this.score = this.prior;
    this.weighted = 0;
    this.kinds = []; // a new array, not the last one emptied: setting a length is a call into the engine
  }

  stem(stem: TableWord): void {
    if (stem.alone >= 0) this.add(stem.alone);
  }

  scoped(scope: string, stem: TableWord): void {
    const feature = stem.scoped?.get(scope);
    if (feature !== undefined) this.add(feature);
  }

  pair(first: TableWord, second: TableWord): void {
    if (first.number === undefined || second.number === undefined) return;
    const feature = this.pairs.get(pairKey(first.number, second.number));
    if (feature >= 0) this.add(feature);
  }

  private add(feature: number): void {
    if (this.foundIn[feature] === this.message) return;
    this.foundIn[feature] = this.message;
    if (this.hasWeight[feature] === 1) {
      this.score += this.weights[feature]!;
      this.weighted++;
    }
    const kind = this.kindOffsets[feature]!;
    if (kind >= 0) this.kinds.push(kind);
  }
}
