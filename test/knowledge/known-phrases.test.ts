import { beforeAll, describe, expect, it } from 'vitest';
import { KnownPhrases } from '../../src/knowledge/known-phrases.js';
import { readKnowledgeFiles } from '../../src/knowledge/load-knowledge.js';
import type { Article } from '../../src/knowledge/article.js';
import { makeKnowledgeDir } from './fixtures.js';

let phrases: KnownPhrases;
beforeAll(async () => {
  const articles: Article[] = (await readKnowledgeFiles(await makeKnowledgeDir())).articles;
  phrases = new KnownPhrases(articles);
});

describe('pairs of words the articles use', () => {
  it('counts each pair of neighbouring terms the articles also use, once, whatever the spelling or stop words between', () => {
    expect(phrases.count('repeat prescription')).toBe(1);
    expect(phrases.count('my repeat prescriptions, and my REPEAT PRESCRIPTION again')).toBe(1);
    // "blood pressure" and "hospital appointment"; "pressure high" and "high hospital" are in no article.
    expect(phrases.count('is my blood pressure too high for a hospital appointment')).toBe(2);
  });

  it('counts nothing for words the articles use alone but never together, or in another order', () => {
    expect(phrases.count('pressure blood')).toBe(0);
    expect(phrases.count('recipe for lasagne')).toBe(0);
    expect(phrases.count('inhaler')).toBe(0);
  });

  it('never pairs words across a sentence or line break', () => {
    expect(phrases.count('blood. pressure')).toBe(0);
    expect(phrases.count('blood\npressure')).toBe(0);
  });
});
