import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  boundedEditDistance,
  createFuzzyVocabulary,
  type FuzzyWord,
  maxEditsFor,
} from '../../src/nlp/fuzzy-words.ts';

/**
 * The vocabulary as first written: every one-deletion variant of every word as a string key of a map.
 * The compact index (hashed variants in typed arrays) must answer exactly as this one does, in the same
 * order (callers take the first answer).
 */
function referenceLookup(words: readonly string[]): (word: string) => FuzzyWord[] {
  const vocabulary = new Set(words);
  const deletions = (w: string) => Array.from(w, (_, i) => w.slice(0, i) + w.slice(i + 1));
  const byDeletion = new Map<string, string[]>();
  for (const w of vocabulary) {
    if (w.length < 3) continue;
    for (const v of new Set(deletions(w))) byDeletion.set(v, [...(byDeletion.get(v) ?? []), w]);
  }
  return (word) => {
    if (vocabulary.has(word)) return [{ word, edits: 0 }];
    const allowed = maxEditsFor(word);
    if (allowed === 0) return [];
    const candidates = new Set<string>();
    for (const probe of [word, ...deletions(word)]) {
      if (probe !== word && vocabulary.has(probe)) candidates.add(probe);
      for (const w of byDeletion.get(probe) ?? []) candidates.add(w);
    }
    const found = new Map<string, number>();
    for (const c of candidates) {
      if (found.has(c) || Math.abs(c.length - word.length) > allowed) continue;
      const edits = boundedEditDistance(word, c, allowed);
      if (edits <= allowed) found.set(c, edits);
    }
    return [...found].map(([w, edits]) => ({ word: w, edits })).sort((a, b) => a.edits - b.edits);
  };
}

/** Words over a small alphabet, so random words are often within an edit or two of each other. */
const word = fc.string({
  unit: fc.constantFrom('a', 'b', 'e', 'n', 'r', 'é', '1'),
  minLength: 1,
  maxLength: 9,
});

describe('fuzzy vocabulary', () => {
  it('answers every lookup exactly as the string-keyed deletion map did, in the same order', () => {
    fc.assert(
      fc.property(
        fc.array(word, { minLength: 1, maxLength: 200 }),
        fc.array(word, { maxLength: 40 }),
        (vocab, queries) => {
          const compact = createFuzzyVocabulary(vocab);
          const reference = referenceLookup(vocab);
          // Queries: random words, the vocabulary's own words and their one-letter deletions.
          for (const q of [...queries, ...vocab.slice(0, 20), ...vocab.slice(0, 20).map((w) => w.slice(1))]) {
            expect(compact.lookup(q)).toEqual(reference(q));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds misspelt title words and keeps words it has as meant', () => {
    const v = createFuzzyVocabulary(['terminator', 'alien', 'aliens', 'shawshank', 'redemption', 'war']);
    expect(v.lookup('terminater')).toEqual([{ word: 'terminator', edits: 1 }]);
    expect(v.lookup('shawshenk')).toEqual([{ word: 'shawshank', edits: 1 }]);
    expect(v.lookup('aliens')).toEqual([{ word: 'aliens', edits: 0 }]);
    expect(v.lookup('alens')).toEqual([{ word: 'aliens', edits: 1 }]);
    expect(v.lookup('car')).toEqual([]);
    expect(v.withPrefix('ali', 5)).toEqual(['alien', 'aliens']);
    expect(v.has('war')).toBe(true);
    expect(v.size).toBe(6);
  });
});
