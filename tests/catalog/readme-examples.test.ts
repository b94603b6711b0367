import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readVegaMovies, starterMovies } from '../../src/catalog/starter.ts';
import { createTitleIndex } from '../../src/nlp/title-index.ts';

const README = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** Titles named in the README's `/rate`, `/movie` and `/similar` examples (placeholders like `<title>` left out). */
function exampleTitles(text: string): string[] {
  const titles: string[] = [];
  for (const [, command, rest] of text.matchAll(/\/(rate|movie|similar) ([^`"\n|]+)/g)) {
    let title = rest!.trim();
    if (title.includes('<')) continue;
    if (command === 'rate') title = title.replace(/\s+\d(?:\.5)?$/, '');
    titles.push(title);
  }
  return titles;
}

describe('README examples', () => {
  it('name films the offline starter catalog has', () => {
    const index = createTitleIndex(
      starterMovies(readVegaMovies()).map((m, i) => ({
        id: i + 1,
        title: m.title,
        year: m.year ?? null,
        popularity: (m.imdbVotes ?? 0) / 1000,
        genres: m.genres ?? [],
        directors: m.directors ?? [],
        cast: [],
      })),
    );
    const titles = exampleTitles(README);
    expect(titles.length).toBeGreaterThanOrEqual(2);
    const unresolved = titles.filter((t) => index.resolve(t).kind !== 'found');
    expect(unresolved).toEqual([]);
  });
});
