import stemmers from 'natural/lib/natural/stemmers/index.js';
import naturalStopWords from 'natural/lib/natural/util/stopwords.js';

/**
 * The request vocabulary: genre words and moods (mapped to MovieLens genre names), negation and similarity
 * cues, and filler words. Words are compared after normalisation (lower case, no accents or apostrophes).
 */

const { PorterStemmer } = stemmers;

/** Stems remembered; request vocabulary is small, so a bounded memo saves most of the stemmer's cost. */
const MAX_MEMO_STEMS = 20_000;
const stemMemo = new Map<string, string>();

/** Porter stem of a normalised word ("comedies" → "comedi"). */
export function stem(word: string): string {
  let stemmed = stemMemo.get(word);
  if (stemmed === undefined) {
    stemmed = PorterStemmer.stem(word);
    if (stemMemo.size >= MAX_MEMO_STEMS) stemMemo.clear();
    stemMemo.set(word, stemmed);
  }
  return stemmed;
}

/** Genre phrases → MovieLens genres. Plurals are listed: words are matched as written. */
const GENRE_TERMS: Readonly<Record<string, readonly string[]>> = {
  Action: ['action', 'action packed', 'explosions', 'martial arts', 'kung fu', 'shootout', 'shoot em up'],
  Adventure: ['adventure', 'adventures', 'adventurous', 'quest', 'swashbuckler'],
  Animation: [
    'animated',
    'animation',
    'animations',
    'anime',
    'cartoon',
    'cartoons',
    'pixar',
    'claymation',
    'stop motion',
  ],
  Children: [
    'kids',
    'kid',
    'children',
    'childrens',
    'child',
    'family',
    'families',
    'kid friendly',
    'family friendly',
  ],
  Comedy: [
    'comedy',
    'comedies',
    'comedic',
    'funny',
    'hilarious',
    'humor',
    'humour',
    'humorous',
    'laugh',
    'laughs',
    'silly',
    'goofy',
    'feel good',
    'feelgood',
    'uplifting',
    'heartwarming',
    'wholesome',
    'lighthearted',
    'light hearted',
    'cheerful',
  ],
  Crime: ['crime', 'crimes', 'gangster', 'gangsters', 'mafia', 'mob', 'heist', 'heists'],
  Documentary: ['documentary', 'documentaries', 'docu', 'docs', 'doc', 'nonfiction', 'non fiction'],
  Drama: ['drama', 'dramas', 'dramatic', 'tearjerker', 'tear jerker', 'sad', 'serious'],
  Fantasy: [
    'fantasy',
    'fantasies',
    'magic',
    'magical',
    'fairy tale',
    'fairytale',
    'fairy tales',
    'sword and sorcery',
  ],
  'Film-Noir': ['film noir', 'noir', 'noirs'],
  Horror: [
    'horror',
    'horrors',
    'scary',
    'spooky',
    'creepy',
    'terrifying',
    'frightening',
    'slasher',
    'slashers',
  ],
  IMAX: ['imax'],
  Musical: ['musical', 'musicals', 'singing', 'song and dance'],
  Mystery: ['mystery', 'mysteries', 'whodunit', 'whodunnit', 'detective', 'detectives'],
  Romance: ['romance', 'romances', 'romantic', 'love story', 'love stories'],
  'Sci-Fi': ['sci fi', 'scifi', 'science fiction', 'sf', 'syfy', 'futuristic', 'space opera', 'sci fis'],
  Thriller: ['thriller', 'thrillers', 'suspense', 'suspenseful', 'tense', 'gripping', 'edge of my seat'],
  War: [
    'war',
    'war film',
    'war films',
    'war movie',
    'war movies',
    'wartime',
    'military',
    'ww2',
    'wwii',
    'world war',
  ],
  Western: ['western', 'westerns', 'cowboy', 'cowboys', 'wild west', 'spaghetti western'],
};

/** Phrases that name two genres at once. */
const COMBINED_TERMS: Readonly<Record<string, readonly string[]>> = {
  romcom: ['Comedy', 'Romance'],
  romcoms: ['Comedy', 'Romance'],
  'rom com': ['Comedy', 'Romance'],
  'rom coms': ['Comedy', 'Romance'],
  'romantic comedy': ['Comedy', 'Romance'],
  'romantic comedies': ['Comedy', 'Romance'],
  dramedy: ['Comedy', 'Drama'],
  'action comedy': ['Action', 'Comedy'],
  'horror comedy': ['Horror', 'Comedy'],
  'space western': ['Sci-Fi', 'Western'],
};

/** Every MovieLens genre name the parser can produce. */
export const MOVIELENS_GENRES: readonly string[] = Object.keys(GENRE_TERMS);

/** How a genre reads in a reply ("sci-fi", "family"). */
export const GENRE_DISPLAY: Readonly<Record<string, string>> = {
  Children: 'family',
  'Sci-Fi': 'sci-fi',
  'Film-Noir': 'film noir',
  IMAX: 'IMAX',
};

export interface GenrePhrase {
  words: number;
  genres: readonly string[];
}

// Genre words are matched as written (plurals are listed), not by stem: Porter maps "animals" to "anim" like
// "animated", and "music" to "music" like "musicals".
const phraseGenres = new Map<string, string[]>();
function addTerm(term: string, genres: readonly string[]): void {
  phraseGenres.set(term, [...new Set([...(phraseGenres.get(term) ?? []), ...genres])]);
}
for (const [genre, terms] of Object.entries(GENRE_TERMS)) for (const term of terms) addTerm(term, [genre]);
for (const [term, genres] of Object.entries(COMBINED_TERMS)) addTerm(term, genres);
const PHRASE_STARTS = new Set([...phraseGenres.keys()].map((t) => t.split(' ')[0]!));
const MAX_PHRASE_WORDS = Math.max(...[...phraseGenres.keys()].map((t) => t.split(' ').length));

/** Single genre words, for typo matching ("comdey", "thriler"). */
export const GENRE_WORDS: readonly string[] = [...phraseGenres.keys()].filter((t) => !t.includes(' '));

/** The longest genre phrase starting at `words[at]`, if any. */
export function matchGenrePhrase(words: readonly string[], at: number): GenrePhrase | null {
  if (!PHRASE_STARTS.has(words[at] ?? '')) return null;
  for (let length = Math.min(MAX_PHRASE_WORDS, words.length - at); length >= 1; length--) {
    const phrase = words.slice(at, at + length).join(' ');
    const genres = phraseGenres.get(phrase);
    if (genres) return { words: length, genres };
  }
  return null;
}

/** Genres of one exact single genre word (used after typo correction). */
export function genresOfWord(word: string): readonly string[] | null {
  return phraseGenres.get(word) ?? null;
}

/** Words that turn what follows into an exclusion ("no horror", "without romance", "nothing before 1970"). */
export const NEGATORS: ReadonlySet<string> = new Set([
  'no',
  'not',
  'without',
  'except',
  'excluding',
  'exclude',
  'avoid',
  'hate',
  'nothing',
  'none',
  'never',
  'skip',
  'minus',
  'dont',
  'doesnt',
  'isnt',
  'nor',
  'neither',
  'nope',
]);

/** Words before "but" that make it a negation: "anything but musicals". */
export const BUT_NEGATES_AFTER: ReadonlySet<string> = new Set(['anything', 'everything', 'all', 'whatever']);

/** Words joining items of one list: negation carries across them ("no horror or romance"). */
export const CONJUNCTIONS: ReadonlySet<string> = new Set(['and', 'or', 'nor', 'plus']);

/** Phrases that introduce a title to recommend alike: "like X", "similar to X". Longest first. */
export const SIMILAR_CUES: readonly string[][] = [
  ['along', 'the', 'lines', 'of'],
  ['in', 'the', 'vein', 'of'],
  ['in', 'the', 'style', 'of'],
  ['same', 'vibe', 'as'],
  ['fans', 'of'],
  ['fan', 'of'],
  ['similar', 'to'],
  ['reminiscent', 'of'],
  ['comparable', 'to'],
  ['such', 'as'],
  ['akin', 'to'],
  ['similar'],
  ['like'],
  ['liked'],
  ['loved'],
  ['enjoyed'],
];

/** Words between two titles: "Alien meets Toy Story". */
export const MEETS_CUES: ReadonlySet<string> = new Set(['meets', 'meet', 'vs', 'versus']);

/** Cues that introduce a person. */
export const PERSON_CUES: readonly string[][] = [
  ['directed', 'by'],
  ['made', 'by'],
  ['starring'],
  ['featuring'],
  ['feat'],
  ['with'],
  ['by'],
  ['from'],
];

/**
 * Words a misspelt title span does not run past ("like alien from the 90s" is not "Alien from L.A."); an exact
 * title may still contain them ("No Country for Old Men").
 */
export const SPAN_BREAKERS: ReadonlySet<string> = new Set([
  'from',
  'with',
  'by',
  'but',
  'without',
  'before',
  'after',
  'in',
  'and',
  'or',
  'no',
  'not',
  'starring',
  'directed',
  'that',
  'which',
  'please',
  'like',
  'meets',
  'except',
  'than',
  'between',
  'since',
  'under',
  'over',
  'set',
]);

/** Words that carry no preference in a movie request. */
const FILLER = [
  'movie',
  'movies',
  'film',
  'films',
  'flick',
  'flicks',
  'cinema',
  'something',
  'anything',
  'stuff',
  'thing',
  'things',
  'recommend',
  'recommendation',
  'recommendations',
  'suggest',
  'suggestion',
  'suggestions',
  'show',
  'give',
  'find',
  'want',
  'wanna',
  'looking',
  'look',
  'need',
  'watch',
  'watching',
  'tonight',
  'today',
  'please',
  'pls',
  'plz',
  'good',
  'great',
  'best',
  'nice',
  'really',
  'maybe',
  'kind',
  'sort',
  'type',
  'pretty',
  'bit',
  'little',
  'lot',
  'lots',
  'one',
  'ones',
  'im',
  'ive',
  'id',
  'us',
  'else',
  'just',
  'etc',
  'genre',
  'genres',
  'made',
  'released',
  'era',
  'decade',
  'year',
  'years',
  'hey',
  'hi',
  'hello',
  'bot',
  'thanks',
  'thank',
  'yeah',
  'ok',
  'okay',
  'love',
  'enjoy',
  'prefer',
  'mostly',
  'mainly',
  'especially',
  'fan',
  'fans',
  'mood',
  'feel',
  'feeling',
  'vibe',
  'vibes',
  'please',
  'everything',
  'whatever',
  'everyone',
  'here',
  'gimme',
  'can',
  'could',
  'let',
  'lets',
  'either',
  'will',
  'would',
  'shall',
  'also',
];

/** Stop words (natural's English list) plus filler words of movie requests. */
export const STOP_WORDS: ReadonlySet<string> = new Set([...naturalStopWords.words, ...FILLER]);
