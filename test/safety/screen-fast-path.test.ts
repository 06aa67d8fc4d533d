import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { readKnowledgeFiles } from '../../src/knowledge/load-knowledge.js';
import { createEmergencyScreen, createExhaustiveScreen, type EmergencyScreen } from '../../src/safety/emergency-screen.js';
import { PhraseCompiler, sameWord, type TokenIndex } from '../../src/safety/phrase-matcher.js';
import type { RedFlagSet } from '../../src/safety/red-flags.js';
import { stem } from '../../src/safety/text-normalise.js';

/**
 * The screen's fast path (a token index, patterns tried only where their first word is, one normalisation
 * shared by the rules and the classifier, the classifier's tables) must decide exactly as the plain
 * definition (createExhaustiveScreen), whatever the message: no shortcut may ever pass over a phrasing.
 */
const KNOWLEDGE_DIR = fileURLToPath(new URL('../../knowledge', import.meta.url));

let flags: RedFlagSet;
let fast: EmergencyScreen;
let exhaustive: EmergencyScreen;
let index: TokenIndex;
let phrases: string[];
let words: string[];
beforeAll(async () => {
  const files = await readKnowledgeFiles(KNOWLEDGE_DIR);
  flags = files.redFlags!;
  expect(flags.classifier).toBeDefined();
  fast = createEmergencyScreen(() => flags);
  exhaustive = createExhaustiveScreen(() => flags);
  // Every phrasing word of the set, as the screen compiles them (risk words strictly: no typos when short).
  const compiler = new PhraseCompiler();
  phrases = [];
  for (const flag of flags.flags) {
    for (const phrase of [...flag.phrases, ...flag.mentions, ...flag.together.flat(2)]) phrases.push(phrase);
    for (const reading of flag.readings) phrases.push(...reading.measure, ...reading.words, ...reading.with);
  }
  for (const phrase of phrases) compiler.words(phrase);
  for (const word of flags.riskWords) compiler.words(word, true);
  phrases.push(...flags.riskWords);
  index = compiler.index(flags.spelledAsMeant);
  words = [...new Set(phrases.flatMap((p) => p.split(/\s+/)))];
});

/** One slip of the keyboard: a letter swapped with the next, left out, doubled or replaced. */
const slip = fc.record({ kind: fc.integer({ min: 0, max: 3 }), at: fc.nat(), letter: fc.constantFrom(...'abcdefghijklmnorstuy') });
function slipped(word: string, s: { kind: number; at: number; letter: string }): string {
  if (word.length < 2) return word;
  const at = s.at % (word.length - 1);
  if (s.kind === 0) return word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
  if (s.kind === 1) return word.slice(0, at) + word.slice(at + 1);
  if (s.kind === 2) return word.slice(0, at) + word[at] + word.slice(at);
  return word.slice(0, at) + s.letter + word.slice(at + 1);
}

/** Words and cues the screen reads around a phrasing: negation, questions, the past, now, readings. */
const CUES = [
  'no', 'not', 'never', "don't", 'cant', 'if', 'what if', 'signs of', 'what are the', 'how do i know', 'last year', '3 weeks ago',
  'used to', 'now', 'right now', 'not now', 'fine now', 'just', 'started', 'please help', 'my dad', 'she', 'i am', 'me', 'and', 'but',
  'under', 'less than', 'lol', '2.1', '1.9', '6.8', '39.2', '40', '30', '12', 'HI', 'LO', 'took', 'had', 'is', 'was', 'it', 'the',
];
const PUNCTUATION = [' ', ' ', ' ', ', ', '. ', '? ', '! ', '; ', '\n', ' and ', '...'];

const message = () =>
  fc
    .array(
      fc.tuple(
        fc.oneof(fc.constantFrom(...phrases), fc.constantFrom(...words), fc.constantFrom(...CUES)),
        fc.option(slip, { freq: 4 }),
        fc.constantFrom(...PUNCTUATION),
      ),
      { minLength: 1, maxLength: 16 },
    )
    .map((parts) => parts.map(([piece, s, gap]) => (s ? slipped(piece, s) : piece) + gap).join('').trim())
    .chain((text) => fc.constantFrom(text, text.toUpperCase(), `Hi, ${text} thanks`));

describe('the fast emergency screen', () => {
  it('looks up exactly the tokens a word matches, typos included (the index passes over none)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...words), fc.option(slip, { freq: 2 }), (word, s) => {
        for (const w of (s ? slipped(word, s) : word).toLowerCase().match(/[a-z0-9]+/g) ?? []) {
          const everyToken = index.tokens.filter((t) => sameWord(t, w, stem(w), index.spelledAsMeant.has(w)));
          expect(new Set(index.matches(w))).toEqual(new Set(everyToken));
        }
      }),
      { numRuns: 3_000 },
    );
  });

  it('looks up exactly the tokens of every phrasing word with each letter left out or swapped (two left out when long)', () => {
    const variants = new Set<string>();
    for (const word of words.flatMap((w) => w.toLowerCase().match(/[a-z0-9]+/g) ?? [])) {
      variants.add(word);
      for (let at = 0; at < word.length; at++) {
        const left = word.slice(0, at) + word.slice(at + 1);
        variants.add(left);
        variants.add(word.slice(0, at) + (word[at + 1] ?? '') + word[at] + word.slice(at + 2));
        if (word.length >= 10) for (let again = at; again < left.length; again++) variants.add(left.slice(0, again) + left.slice(again + 1));
      }
    }
    const missed = [...variants].filter((w) => {
      const everyToken = index.tokens.filter((t) => sameWord(t, w, stem(w), index.spelledAsMeant.has(w)));
      const found = new Set(index.matches(w));
      return everyToken.length !== found.size || everyToken.some((t) => !found.has(t));
    });
    expect(missed).toEqual([]);
  });

  it('decides exactly as the exhaustive screen on messages made of red-flag words, cues and typos', () => {
    fc.assert(
      fc.property(message(), (text) => {
        expect(fast.screen(text)).toStrictEqual(exhaustive.screen(text));
      }),
      { numRuns: 400 },
    );
  });

  it('decides exactly as the exhaustive screen on every labelled message in knowledge/eval and the screening corpus', () => {
    const texts = labelledMessages();
    expect(texts.length).toBeGreaterThan(7_000);
    const differ = texts.filter((text) => !isSame(fast.screen(text), exhaustive.screen(text)));
    expect(differ).toEqual([]);
  }, 300_000);

  // Long messages (carers' stories, several sentences) are where the fast path's shortcuts do the most:
  // a concept's words remembered for the sentence, words looked up once for the rules and the classifier.
  it('decides exactly as the exhaustive screen on long messages made of labelled ones, with typos and openings', () => {
    const texts = labelledMessages();
    const part = fc.tuple(fc.constantFrom(...texts), fc.option(slip, { freq: 2 }), fc.constantFrom('', 'Hi, ', 'sorry, ', 'and ', 'also '));
    fc.assert(
      fc.property(fc.array(part, { minLength: 2, maxLength: 4 }), fc.constantFrom(' ', '. ', ', ', '\n'), (parts, gap) => {
        const text = parts.map(([t, s, opening]) => opening + (s ? t.replace(/\b\w{4,}\b/, (w) => slipped(w, s)) : t)).join(gap);
        expect(fast.screen(text)).toStrictEqual(exhaustive.screen(text));
      }),
      { numRuns: 300, seed: 20261202 },
    );
  }, 300_000);

  // The fast screen reuses what it reads a sentence into (the token index's positions, a group's finding, the
  // classifier's finder) from one sentence and one message to the next: none of it may carry over.
  it('decides each message the same whatever was screened before it, and again the same when screened twice', () => {
    const texts = labelledMessages().filter((_, i) => i % 4 === 0);
    const long = texts.slice(0, 300).map((t, i) => `${t}. ${texts[(i * 7) % texts.length]}, and ${texts[(i * 13) % texts.length]}`);
    const all = [...texts, ...long];
    const inOrder = createEmergencyScreen(() => flags);
    const first = all.map((t) => inOrder.screen(t));
    const reversed = createEmergencyScreen(() => flags);
    const differ: string[] = [];
    for (let i = all.length - 1; i >= 0; i--) {
      const again = [reversed.screen(all[i]!), reversed.screen(all[i]!)];
      if (!again.every((result) => isSame(result, first[i]))) differ.push(all[i]!);
    }
    expect(differ).toEqual([]);
  }, 300_000);
});

/** Every message of the labelled sets (knowledge/eval, knowledge/eval/screening) and of the screening corpus. */
function labelledMessages(): string[] {
  const texts: string[] = [];
  for (const dir of ['eval', 'eval/screening', 'screening/corpus']) {
    for (const name of readdirSync(join(KNOWLEDGE_DIR, dir)).filter((n) => n.endsWith('.jsonl'))) {
      for (const line of readFileSync(join(KNOWLEDGE_DIR, dir, name), 'utf8').split('\n')) {
        if (!line.trim()) continue;
        const c = JSON.parse(line) as { q?: string; text?: string };
        const text = c.q ?? c.text;
        if (text) texts.push(text);
      }
    }
  }
  return texts;
}

function isSame(a: unknown, b: unknown): boolean {
  try {
    expect(a).toStrictEqual(b);
    return true;
  } catch {
    return false;
  }
}
