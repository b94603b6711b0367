// Submodule imports: the package root runs dotenv and prints to stdout (see STACK-NOTES).
import { PorterStemmer } from 'natural/lib/natural/stemmers/index.js';
import { WordTokenizer } from 'natural/lib/natural/tokenizers/index.js';
import { words as stopwords } from 'natural/lib/natural/util/stopwords.js';

const tokenizer = new WordTokenizer();
const STOPWORDS = new Set(stopwords);
const MIN_TOKEN_LENGTH = 2;

/** Lower-cased, stop-word-free, Porter-stemmed content words of a text ("Thrilling comedies" → thrill, comedi). */
export function stemWords(text: string): string[] {
  const out: string[] = [];
  for (const token of tokenizer.tokenize(text.toLowerCase())) {
    if (token.length < MIN_TOKEN_LENGTH || STOPWORDS.has(token) || /^\d+$/.test(token)) continue;
    out.push(PorterStemmer.stem(token));
  }
  return out;
}

/** A person's name as a feature key: lower case, single spaces. */
export function personKey(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** `1994` → `1990s`. */
export function decadeLabel(year: number): string {
  return `${Math.floor(year / 10) * 10}s`;
}
