import distance from 'natural/lib/natural/distance/index.js';
import { createFuzzyVocabulary } from './fuzzy-words.ts';
import { normalizeWords } from './normalize.ts';
import type { TitleEntry } from './types.ts';

/** A person the catalog knows, found from a few typed words. */
export interface PersonMatch {
  /** As the catalog spells it: "Christopher Nolan". */
  name: string;
  /** 1 = exact full name; lower for a surname alone or a typo. */
  score: number;
}

/** Jaro–Winkler similarity a misspelt full name needs ("stephen spielberg" → "Steven Spielberg"). */
const MIN_NAME_SIMILARITY = 0.88;
const SURNAME_SCORE = 0.9;
const FUZZY_SURNAME_SCORE = 0.8;

interface Person {
  name: string;
  key: string;
  movies: number;
}

/** Looks up directors and cast members by full name, surname, or either with a typo. */
export interface PeopleIndex {
  find(words: readonly string[]): PersonMatch | null;
}

/** Builds a {@link PeopleIndex} from the entries' `directors` and `cast`. */
export function createPeopleIndex(entries: readonly TitleEntry[]): PeopleIndex {
  const byKey = new Map<string, Person>();
  for (const entry of entries) {
    for (const name of [...(entry.directors ?? []), ...(entry.cast ?? [])]) {
      const key = normalizeWords(name).join(' ');
      if (key === '') continue;
      const person = byKey.get(key);
      if (person) person.movies++;
      else byKey.set(key, { name, key, movies: 1 });
    }
  }
  const bySurname = new Map<string, Person>();
  const byWord = new Map<string, Person[]>();
  for (const person of byKey.values()) {
    const words = person.key.split(' ');
    const surname = words.at(-1)!;
    const current = bySurname.get(surname);
    if (words.length > 1 && (!current || current.movies < person.movies)) bySurname.set(surname, person);
    for (const w of new Set(words)) {
      const list = byWord.get(w);
      if (list) list.push(person);
      else byWord.set(w, [person]);
    }
  }
  const surnames = createFuzzyVocabulary(bySurname.keys());
  const nameWords = createFuzzyVocabulary(byWord.keys());

  function fuzzyFullName(words: readonly string[]): PersonMatch | null {
    const key = words.join(' ');
    const candidates = new Set<Person>();
    for (const word of words) {
      for (const { word: w } of nameWords.lookup(word))
        for (const p of byWord.get(w) ?? []) candidates.add(p);
    }
    let best: PersonMatch | null = null;
    let bestMovies = 0;
    for (const person of candidates) {
      if (person.key.split(' ').length !== words.length) continue;
      const similarity = distance.JaroWinklerDistance(key, person.key);
      if (similarity < MIN_NAME_SIMILARITY) continue;
      if (!best || similarity > best.score || (similarity === best.score && person.movies > bestMovies)) {
        best = { name: person.name, score: similarity * 0.95 };
        bestMovies = person.movies;
      }
    }
    return best;
  }

  return {
    find(words) {
      if (byKey.size === 0 || words.length === 0) return null;
      const exact = byKey.get(words.join(' '));
      if (exact) return { name: exact.name, score: 1 };
      if (words.length === 1) {
        const surname = bySurname.get(words[0]!);
        if (surname) return { name: surname.name, score: SURNAME_SCORE };
        const near = surnames.lookup(words[0]!)[0];
        const person = near ? bySurname.get(near.word) : undefined;
        return person ? { name: person.name, score: FUZZY_SURNAME_SCORE } : null;
      }
      return fuzzyFullName(words);
    },
  };
}
