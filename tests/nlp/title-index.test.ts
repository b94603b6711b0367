import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeTitle, titleKeys } from '../../src/nlp/normalize.ts';
import { createTitleIndex, type TitleIndex } from '../../src/nlp/title-index.ts';
import type { TitleResolution } from '../../src/nlp/types.ts';
import { idOf, TITLE_ENTRIES } from './fixture-catalog.ts';

function foundId(r: TitleResolution): number | null {
  return r.kind === 'found' ? r.match.entry.id : null;
}

describe('normalizeTitle', () => {
  it.each([
    ['Matrix, The', 'The Matrix'],
    ['Matrix, The (1999)', 'the matrix'],
    ['THE MATRIX!!', 'the matrix'],
    ['Léon', 'leon'],
    ['Amélie', 'AMELIE'],
    ['Toy Story II', 'toy story 2'],
    ['Rocky IV', 'rocky 4'],
    ["Singin' in the Rain", 'singin in the rain'],
    ["Auberge espagnole, L'", "L'Auberge espagnole"],
    ['Fast & Furious', 'fast and furious'],
    ['Vitelloni, I', 'I Vitelloni'],
  ])('%s ≡ %s', (a, b) => {
    expect(normalizeTitle(a)).toBe(normalizeTitle(b));
  });

  it('keeps distinct titles distinct', () => {
    expect(normalizeTitle('Alien')).not.toBe(normalizeTitle('Aliens'));
    expect(normalizeTitle('Toy Story')).not.toBe(normalizeTitle('Toy Story 2'));
    // A leading "I" is a word, not a numeral.
    expect(normalizeTitle('I, Robot')).toBe('i robot');
  });

  it('indexes alternate titles and article-less forms, but keeps "Die" in "Die Hard"', () => {
    expect(titleKeys('Seven (a.k.a. Se7en)')).toEqual(['seven', 'se7en']);
    expect(titleKeys('Boot, Das (Boat, The)')).toEqual([
      'das boot',
      'dasboot',
      'boot',
      'the boat',
      'theboat',
      'boat',
    ]);
    expect(titleKeys('Die Hard')).toEqual(['die hard', 'diehard']);
  });

  it('reads single-letter numerals after a sequel word or at the end, not elsewhere', () => {
    expect(normalizeTitle('Star Wars: Episode V - The Empire Strikes Back')).toBe(
      'star wars episode 5 the empire strikes back',
    );
    expect(normalizeTitle('Rocky V')).toBe('rocky 5');
    expect(normalizeTitle('V for Vendetta')).toBe('v for vendetta');
    expect(normalizeTitle('I, Robot')).toBe('i robot');
  });
});

describe('createTitleIndex', () => {
  let index: TitleIndex;
  beforeAll(() => {
    index = createTitleIndex(TITLE_ENTRIES);
  });

  it.each([
    ['the matrix', 'Matrix, The'],
    ['Matrix', 'Matrix, The'],
    ['THE MATRIX (1999)', 'Matrix, The'],
    ['matrix 1999', 'Matrix, The'],
    ['Matrix, The', 'Matrix, The'],
    ['Alien', 'Alien'],
    ['aliens', 'Aliens'],
    ['terminator 2', 'Terminator 2: Judgment Day'],
    ['Terminator II', 'Terminator 2: Judgment Day'],
    ['the terminator', 'Terminator, The'],
    ['toy story', 'Toy Story'],
    ['toy story ii', 'Toy Story 2'],
    ['matirx', 'Matrix, The'],
    ['shawshenk redemption', 'Shawshank Redemption, The'],
    ['leon', 'Léon: The Professional (a.k.a. The Professional) (Léon)'],
    ['the professional', 'Léon: The Professional (a.k.a. The Professional) (Léon)'],
    ['Se7en', 'Seven (a.k.a. Se7en)'],
    ['das boot', 'Boot, Das (Boat, The)'],
    ['amelie', "Amelie (Fabuleux destin d'Amélie Poulain, Le)"],
    ['Airport 1975', 'Airport 1975'],
    ['good the bad and the ugly', 'Good, the Bad and the Ugly, The (Buono, il brutto, il cattivo, Il)'],
    ['E.T.', 'E.T. the Extra-Terrestrial'],
    ['hamlet 1990', 'Hamlet'],
    ['diehard', 'Die Hard'],
    ['star wars episode 5', 'Star Wars: Episode V - The Empire Strikes Back'],
  ])('resolves %s', (query, title) => {
    const r = index.resolve(query);
    expect(r.kind).toBe('found');
    if (r.kind === 'found') expect(r.match.entry.title).toBe(title);
  });

  it('narrows by year', () => {
    expect(foundId(index.resolve('Hamlet (1948)'))).toBe(idOf('Hamlet', 1948));
    expect(foundId(index.resolve('hamlet 1996'))).toBe(idOf('Hamlet', 1996));
    expect(foundId(index.resolve('godzilla 2014'))).toBe(idOf('Godzilla', 2014));
  });

  it('asks which one for equally good matches, most popular first, years shown', () => {
    const r = index.resolve('Hamlet');
    expect(r.kind).toBe('ambiguous');
    if (r.kind !== 'ambiguous') return;
    expect(r.options.map((o) => o.entry.year)).toEqual([1996, 1990, 1948]);
    expect(r.options.every((o) => o.score === 1)).toBe(true);
    const wars = index.resolve('star wars');
    expect(wars.kind).toBe('ambiguous');
    if (wars.kind === 'ambiguous')
      expect(wars.options[0]!.entry.id).toBe(idOf('Star Wars: Episode IV - A New Hope'));
  });

  it('says not found, with close suggestions', () => {
    const r = index.resolve('Terminal Velocity');
    expect(r.kind).toBe('not-found');
    if (r.kind === 'not-found') expect(r.suggestions.map((s) => s.entry.title)).toContain('Terminator, The');
    const none = index.resolve('qwxz');
    expect(none).toEqual({ kind: 'not-found', suggestions: [] });
  });

  it('ranks search results by match quality, then popularity', () => {
    const results = index.search('star wars', 10).map((m) => m.entry.id);
    expect(results).toEqual([
      idOf('Star Wars: Episode IV - A New Hope'),
      idOf('Star Wars: Episode V - The Empire Strikes Back'),
    ]);
    const toy = index.search('toy', 10).map((m) => m.entry.title);
    expect(toy).toEqual(['Toy Story', 'Toy Story 2']);
    expect(index.search('termintor', 5)[0]!.entry.title).toMatch(/Terminator/);
    expect(index.search('anything', 0)).toEqual([]);
  });

  it('autocompletes from the start of a title or of a later word, exact first', () => {
    expect(index.autocomplete('ma', 5).map((m) => m.entry.title)).toEqual([
      'Matrix, The',
      'Matrix Reloaded, The',
      'Mary Poppins',
      'Maltese Falcon, The',
      'Mad Max: Fury Road',
    ]);
    expect(index.autocomplete('the ma', 3).map((m) => m.entry.title)).toEqual([
      'Matrix, The',
      'Matrix Reloaded, The',
      'Maltese Falcon, The',
    ]);
    expect(index.autocomplete('alien', 5).map((m) => m.entry.title)).toEqual(['Alien', 'Aliens']);
    expect(index.autocomplete('alien', 5)[0]!.score).toBe(1);
    // A later word: "Wars" inside "Star Wars".
    expect(index.autocomplete('wars', 5).map((m) => m.entry.id)).toContain(
      idOf('Star Wars: Episode IV - A New Hope'),
    );
    // A typo falls back to the fuzzy search.
    expect(index.autocomplete('matirx', 5)[0]!.entry.title).toBe('Matrix, The');
    expect(index.autocomplete('', 5)).toEqual([]);
    expect(index.autocomplete('t', 2)).toHaveLength(2);
  });

  it('finds people by full name, surname and with a typo', () => {
    expect(index.findPerson(['christopher', 'nolan'])?.name).toBe('Christopher Nolan');
    expect(index.findPerson(['nolan'])?.name).toBe('Christopher Nolan');
    expect(index.findPerson(['speilberg'])?.name).toBe('Steven Spielberg');
    expect(index.findPerson(['stephen', 'spielberg'])?.name).toBe('Steven Spielberg');
    expect(index.findPerson(['nobody', 'atall'])).toBeNull();
  });

  it('knows the catalog year range', () => {
    expect(index.minYear).toBe(1941);
    expect(index.maxYear).toBe(2017);
  });

  it('works on an empty catalog', () => {
    const empty = createTitleIndex([]);
    expect(empty.resolve('alien')).toEqual({ kind: 'not-found', suggestions: [] });
    expect(empty.autocomplete('al', 5)).toEqual([]);
    expect(empty.findPerson(['x'])).toBeNull();
  });
});
