// natural ships no typings for this submodule; importing it directly avoids the util index, which
// loads the storage backends (and dotenv, which prints to stdout).
declare module 'natural/lib/natural/util/stopwords.js' {
  export const words: string[];
}
