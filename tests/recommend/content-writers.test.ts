import { describe, expect, it } from 'vitest';
import { buildRecommendRequest } from '../../src/nlp/constraints.ts';
import { parseRequest } from '../../src/nlp/parse-preferences.ts';
import { createTitleIndex } from '../../src/nlp/title-index.ts';
import { itemCosine, trainContent } from '../../src/recommend/content.ts';
import { prepareDataset } from '../../src/recommend/prepare.ts';
import type { ItemMeta } from '../../src/recommend/types.ts';

function film(id: number, title: string, writers: string[], director: string): ItemMeta {
  return {
    id,
    title,
    year: 1990 + id,
    genres: ['Drama'],
    tags: [],
    directors: [director],
    cast: [],
    writers,
    runtime: 120,
  };
}

// Two films written by the same screenwriter (and directed by others), one written by someone else.
const ITEMS = [
  film(1, 'A Few Good Men', ['Aaron Sorkin'], 'Rob Reiner'),
  film(2, 'The Social Network', ['Aaron Sorkin'], 'David Fincher'),
  film(3, 'Unrelated Story', ['Someone Else'], 'Other Person'),
];

describe('writers', () => {
  it('are people features of the content model: films by one writer are alike', () => {
    const content = trainContent(prepareDataset({ items: ITEMS, ratings: [] }));
    expect(itemCosine(content, 0, 1)).toBeGreaterThan(itemCosine(content, 0, 2));
    const withoutWriters = trainContent(
      prepareDataset({ items: ITEMS.map((i) => ({ ...i, writers: [] })), ratings: [] }),
    );
    expect(itemCosine(content, 0, 1)).toBeGreaterThan(itemCosine(withoutWriters, 0, 1));
  });

  it('are found by name in requests and searches, and a request for one keeps their films', () => {
    const index = createTitleIndex(ITEMS.map((i) => ({ ...i, popularity: 0 })));
    expect(index.findPerson(['aaron', 'sorkin'])).toEqual({ name: 'Aaron Sorkin', score: 1 });
    expect(index.findPerson(['sorkin'])?.name).toBe('Aaron Sorkin');
    const parsed = parseRequest('something written by Aaron Sorkin', index);
    expect(parsed.people).toEqual(['Aaron Sorkin']);
    const built = buildRecommendRequest(parsed, ITEMS);
    expect(ITEMS.filter(built.filter).map((i) => i.id)).toEqual([1, 2]);
  });
});
