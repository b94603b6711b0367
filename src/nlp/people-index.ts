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

/** Looks up directors, cast members and writers by full name, surname, or either with a typo. */
export interface PeopleIndex {
  find(words: readonly string[]): PersonMatch | null;
}

/**
 * Builds a {@link PeopleIndex} from the entries' `directors`, `cast` and `writers`. A person is a number:
 * the name (the catalog's own string), the normalised key and the film count sit in columns, and each
 * name word lists its people in typed arrays; at 30,000 films and ~70,000 people an object per person and
 * an array per word cost twice the heap.
 */
export function createPeopleIndex(entries: readonly TitleEntry[]): PeopleIndex {
  const byKey = new Map<string, number>();
  const names: string[] = [];
  const keys: string[] = [];
  const counts: number[] = [];
  for (const entry of entries) {
    for (const name of [...(entry.directors ?? []), ...(entry.cast ?? []), ...(entry.writers ?? [])]) {
      const key = normalizeWords(name).join(' ');
      if (key === '') continue;
      const person = byKey.get(key);
      if (person !== undefined) counts[person]!++;
      else {
        byKey.set(key, names.length);
        names.push(name);
        keys.push(key);
        counts.push(1);
      }
    }
  }
  const movies = Int32Array.from(counts);
  const wordCount = new Uint8Array(keys.length);
  const bySurname = new Map<string, number>();
  for (let person = 0; person < keys.length; person++) {
    const words = keys[person]!.split(' ');
    wordCount[person] = Math.min(255, words.length);
    const surname = words.at(-1)!;
    const current = bySurname.get(surname);
    if (words.length > 1 && (current === undefined || movies[current]! < movies[person]!))
      bySurname.set(surname, person);
  }
  const surnames = createFuzzyVocabulary(bySurname.keys());
  const nameWords = createFuzzyVocabulary(
    (function* () {
      for (const key of keys) yield* key.split(' ');
    })(),
  );
  // Each name word's people, in person order (a person once per word).
  const wordStart = new Int32Array(nameWords.size + 1);
  const distinctWords = (person: number) => new Set(keys[person]!.split(' '));
  for (let person = 0; person < keys.length; person++)
    for (const w of distinctWords(person)) wordStart[nameWords.indexOf(w) + 1]!++;
  for (let w = 0; w < nameWords.size; w++) wordStart[w + 1]! += wordStart[w]!;
  const fill = wordStart.slice(0, nameWords.size);
  const wordPeople = new Int32Array(wordStart[nameWords.size]!);
  for (let person = 0; person < keys.length; person++)
    for (const w of distinctWords(person)) wordPeople[fill[nameWords.indexOf(w)]!++] = person;

  function fuzzyFullName(words: readonly string[]): PersonMatch | null {
    const key = words.join(' ');
    const candidates = new Set<number>();
    for (const word of words) {
      for (const { word: w } of nameWords.lookup(word)) {
        const at = nameWords.indexOf(w);
        for (let k = wordStart[at]!; k < wordStart[at + 1]!; k++) candidates.add(wordPeople[k]!);
      }
    }
    let best: PersonMatch | null = null;
    let bestMovies = 0;
    for (const person of candidates) {
      if (wordCount[person] !== words.length) continue;
      const similarity = distance.JaroWinklerDistance(key, keys[person]!);
      if (similarity < MIN_NAME_SIMILARITY) continue;
      if (!best || similarity > best.score || (similarity === best.score && movies[person]! > bestMovies)) {
        best = { name: names[person]!, score: similarity * 0.95 };
        bestMovies = movies[person]!;
      }
    }
    return best;
  }

  return {
    find(words) {
      if (byKey.size === 0 || words.length === 0) return null;
      const exact = byKey.get(words.join(' '));
      if (exact !== undefined) return { name: names[exact]!, score: 1 };
      if (words.length === 1) {
        const surname = bySurname.get(words[0]!);
        if (surname !== undefined) return { name: names[surname]!, score: SURNAME_SCORE };
        const near = surnames.lookup(words[0]!)[0];
        const person = near ? bySurname.get(near.word) : undefined;
        return person !== undefined ? { name: names[person]!, score: FUZZY_SURNAME_SCORE } : null;
      }
      return fuzzyFullName(words);
    },
  };
}
