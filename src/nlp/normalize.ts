/**
 * Title normalisation shared by the title index and the request parser: one canonical, comparable form
 * for "Matrix, The (1999)", "The Matrix", "the  MATRIX!" and "Léon" / "Leon".
 */

/** Longest input we look at; titles are far shorter, and this bounds work on hostile input. */
export const MAX_TITLE_INPUT_CHARS = 300;

/**
 * Articles MovieLens moves behind a comma ("Matrix, The", "Boot, Das", "Auberge espagnole, L'", "Vitelloni, I").
 * Only a whole segment ending in ", <article>" counts, so "Me, Myself & I" and "I, Robot" stay as they are.
 */
export const TRAILING_ARTICLES: readonly string[] = [
  'The',
  'A',
  'An',
  'Les',
  'La',
  'Le',
  "L'",
  'Il',
  'I',
  'Lo',
  'Gli',
  'El',
  'Los',
  'Las',
  'Das',
  'Der',
  'Die',
  'Det',
  'Den',
  'De',
  'Un',
  'Une',
];
const TRAILING_ARTICLE = new RegExp(`^(.+?),\\s+(${TRAILING_ARTICLES.join('|')})$`);

/** Leading words people omit when typing an English title ("matrix" for "The Matrix"). */
export const ENGLISH_ARTICLES: ReadonlySet<string> = new Set(['the', 'a', 'an']);
/** Every article in normalised form, for stripping articles that MovieLens itself moved. */
export const ALL_ARTICLES: ReadonlySet<string> = new Set(
  TRAILING_ARTICLES.map((a) => a.toLowerCase().replace("'", '')),
);

/** Roman numerals as sequel numbers ("Toy Story II" ≡ "Toy Story 2"); single letters are too ambiguous. */
const ROMAN_NUMERALS: Readonly<Record<string, string>> = {
  ii: '2',
  iii: '3',
  iv: '4',
  vi: '6',
  vii: '7',
  viii: '8',
  ix: '9',
  xi: '11',
  xii: '12',
  xiii: '13',
};

/** Titles of up to this many words are also indexed written as one word. */
const MAX_COMPACT_WORDS = 3;
const SINGLE_LETTER_NUMERALS: Readonly<Record<string, string>> = { i: '1', v: '5', x: '10' };
const SEQUEL_WORDS: ReadonlySet<string> = new Set(['episode', 'part', 'chapter', 'volume', 'vol', 'book']);

const PARENTHESISED_YEAR = /\s*\((\d{4})\)\s*$/;
const COMBINING_MARKS = /\p{M}+/gu;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;
const APOSTROPHES = /['’`´]/g;

/** "Matrix, The" → "The Matrix"; "Auberge espagnole, L'" → "L'Auberge espagnole"; others unchanged. */
export function moveTrailingArticle(title: string): string {
  const match = TRAILING_ARTICLE.exec(title.trim());
  if (!match) return title;
  const [, rest, article] = match;
  return article!.endsWith("'") ? `${article}${rest}` : `${article} ${rest}`;
}

/**
 * Lower-case words without accents or punctuation, roman sequel numerals as digits:
 * "Léon: The Professional" → ["leon", "the", "professional"]; "Toy Story II" → ["toy", "story", "2"].
 * A final "I"/"V"/"X" counts as a numeral unless `finalNumeral` is false (a prefix being typed: "the v…").
 */
export function normalizeWords(
  text: string,
  options: { finalNumeral?: boolean } = { finalNumeral: true },
): string[] {
  const plain = text
    .slice(0, MAX_TITLE_INPUT_CHARS)
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .toLowerCase()
    .replace(APOSTROPHES, '')
    .replace(/&/g, ' and ');
  const words = plain.split(NOT_WORD).filter((w) => w !== '');
  return words.map((w, i) => {
    if (i === 0) return w;
    const numeral = ROMAN_NUMERALS[w];
    if (numeral) return numeral;
    // "Episode V", "Part I", "Rocky V": single letters only after a sequel word or at the very end.
    const single = SINGLE_LETTER_NUMERALS[w];
    const atEnd = i === words.length - 1 && options.finalNumeral;
    return single && (atEnd || SEQUEL_WORDS.has(words[i - 1]!)) ? single : w;
  });
}

/**
 * The canonical comparable form of a title: case, accents, punctuation and a trailing "(1999)" ignored, and a
 * MovieLens-style trailing article moved to the front, so `normalizeTitle('Matrix, The (1999)')` and
 * `normalizeTitle('the matrix')` are both `"the matrix"`.
 */
export function normalizeTitle(title: string): string {
  const withoutYear = title.slice(0, MAX_TITLE_INPUT_CHARS).replace(PARENTHESISED_YEAR, '');
  return normalizeWords(moveTrailingArticle(withoutYear)).join(' ');
}

/** The raw name segments of a MovieLens title: "Seven (a.k.a. Se7en)" → ["Seven", "Se7en"]. */
function aliasSegments(title: string): string[] {
  const names: string[] = [];
  let rest = title.trim();
  for (let guard = 0; guard < 5; guard++) {
    const match = /\s\(([^()]*)\)$/.exec(rest);
    if (!match) break;
    const alias = match[1]!.replace(/^(a\.k\.a\.|aka)\s+/i, '').trim();
    if (alias !== '' && !/^\d{4}$/.test(alias)) names.unshift(alias);
    rest = rest.slice(0, match.index).trim();
  }
  if (rest !== '') names.unshift(rest);
  return names.length > 0 ? names : [title];
}

/**
 * Every name a MovieLens title goes by, in natural word order: "Seven (a.k.a. Se7en)" → ["Seven", "Se7en"];
 * "City of Lost Children, The (Cité des enfants perdus, La)" → ["The City of Lost Children",
 * "La Cité des enfants perdus"].
 */
export function titleAliases(title: string): string[] {
  return aliasSegments(title).map(moveTrailingArticle);
}

/**
 * The normalised keys a title can be found under: each alias, and each alias without its leading article
 * ("the matrix", "matrix"). Foreign articles are dropped only where MovieLens moved them ("Boot, Das"), so
 * "Die Hard" keeps its "die".
 */
export function titleKeys(title: string): string[] {
  const keys = new Set<string>();
  for (const segment of aliasSegments(title)) {
    const movedArticle = TRAILING_ARTICLE.test(segment.trim());
    const words = normalizeWords(moveTrailingArticle(segment));
    if (words.length === 0) continue;
    keys.add(words.join(' '));
    // "spiderman", "walle", "xmen": short titles are often typed as one word.
    if (words.length >= 2 && words.length <= MAX_COMPACT_WORDS) keys.add(words.join(''));
    const first = words[0]!;
    const strippable = ENGLISH_ARTICLES.has(first) || (movedArticle && ALL_ARTICLES.has(first));
    if (strippable && words.length > 1) keys.add(words.slice(1).join(' '));
  }
  return [...keys];
}

/** A title query split into its words and an optional year: "The Matrix (1999)", "matrix 1999". */
export interface TitleQuery {
  words: string[];
  year: number | null;
}

/**
 * The ways to read a title query: a year off its end, either "(1999)" or a bare trailing year when other
 * words remain and the year is plausible ("Airport 1975" is also tried whole), and each alternate title of
 * a pasted MovieLens title ("Boot, Das (Boat, The) (1981)").
 */
export function splitQueryYear(query: string, minYear: number, maxYear: number): TitleQuery[] {
  const text = query.slice(0, MAX_TITLE_INPUT_CHARS);
  const paren = PARENTHESISED_YEAR.exec(text);
  if (paren) {
    const year = Number(paren[1]);
    return titleReadings(text.slice(0, paren.index)).map((words) => ({ words, year }));
  }
  const options: TitleQuery[] = [];
  for (const words of titleReadings(text)) {
    options.push({ words, year: null });
    const last = words.at(-1);
    if (words.length > 1 && last !== undefined && /^\d{4}$/.test(last)) {
      const year = Number(last);
      if (year >= minYear && year <= maxYear) options.push({ words: words.slice(0, -1), year });
    }
  }
  return options;
}

/** The whole text as words, plus each alternate title when it has "(…)" parts. */
function titleReadings(text: string): string[][] {
  const readings = [normalizeWords(moveTrailingArticle(text))];
  if (text.includes('(')) {
    for (const alias of titleAliases(text)) readings.push(normalizeWords(alias));
  }
  return readings.filter((words) => words.length > 0);
}
