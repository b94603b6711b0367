/** A movie as the title index and the request parser see it. */
export interface TitleEntry {
  id: number;
  /** As stored, MovieLens style: `Matrix, The`, year separate. */
  title: string;
  year: number | null;
  /** Higher is better known (rating count, votes); breaks ties between equal matches. */
  popularity: number;
  genres?: readonly string[];
  directors?: readonly string[];
  cast?: readonly string[];
}

export interface TitleMatch {
  entry: TitleEntry;
  /** 0–1, 1 = exact normalised match. */
  score: number;
}

export type TitleResolution =
  | { kind: 'found'; match: TitleMatch }
  | { kind: 'ambiguous'; options: TitleMatch[] }
  | { kind: 'not-found'; suggestions: TitleMatch[] };

/** How a free-text request was understood. Genre names are MovieLens' (`Sci-Fi`, `Children`, …). */
export interface ParsedPreferences {
  genres: { include: string[]; exclude: string[] };
  yearFrom: number | null;
  yearTo: number | null;
  similarTo: { id: number; title: string; year: number | null }[];
  /** People as the catalog spells them. */
  people: string[];
  /** Remaining content words, stemmed. */
  keywords: string[];
  minRuntime: number | null;
  maxRuntime: number | null;
  /** Words that meant nothing to the parser. */
  unmatched: string[];
}
