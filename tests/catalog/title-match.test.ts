import { describe, expect, it } from 'vitest';
import { matchByTitleAndYear, titleKey, titleKeys } from '../../src/catalog/title-match.ts';

describe('titleKey / titleKeys', () => {
  it.each([
    ['The Matrix', 'matrix'],
    ['Kill Bill: Vol. 1', 'kill bill volume 1'],
    ['Lovely & Amazing', 'lovely and amazing'],
    ['Amélie', 'amelie'],
    ['Bubba Ho-tep', 'bubba ho tep'],
  ])('titleKey(%j) = %j', (title, key) => {
    expect(titleKey(title)).toBe(key);
  });

  it('knows a title by its main part and each alternate title', () => {
    expect(titleKeys('Seven (a.k.a. Se7en)')).toEqual(['seven a k a se7en', 'seven', 'se7en']);
    expect(titleKeys('The Host (Gwoemul)')).toEqual(['host gwoemul', 'host', 'gwoemul']);
  });
});

describe('matchByTitleAndYear', () => {
  const ml = [
    { id: 47, title: 'Seven (a.k.a. Se7en)', year: 1995 },
    { id: 4306, title: 'Memento', year: 2000 },
    { id: 6874, title: 'Kill Bill: Vol. 1', year: 2003 },
    { id: 10, title: 'Psycho', year: 1960 },
    { id: 11, title: 'Psycho', year: 1998 },
    { id: 12, title: 'Babylon 5', year: null },
  ];

  it('matches different spellings of the same film, exact year first, then one year off', () => {
    const starter = [
      { id: 1, title: 'Se7en', year: 1995 },
      { id: 2, title: 'Memento', year: 2001 },
      { id: 3, title: 'Kill Bill: Volume 1', year: 2003 },
      { id: 4, title: 'Psycho', year: 1998 },
      { id: 5, title: 'Psycho', year: 1961 },
    ];
    expect(matchByTitleAndYear(starter, ml)).toEqual(
      new Map([
        [1, 47],
        [3, 6874],
        [4, 11],
        [2, 4306],
        [5, 10],
      ]),
    );
  });

  it('never matches without a year, across a wider year gap, or one candidate twice', () => {
    const starter = [
      { id: 1, title: 'Babylon 5', year: 1994 },
      { id: 2, title: 'Memento', year: null },
      { id: 3, title: 'Psycho', year: 1965 },
      { id: 4, title: 'Memento', year: 2000 },
      { id: 5, title: 'Memento', year: 2000 },
    ];
    expect(matchByTitleAndYear(starter, ml)).toEqual(new Map([[4, 4306]]));
  });
});
