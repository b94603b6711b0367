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
  writers?: readonly string[];
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
  /**
   * Names after "starring", "directed by", "with", "by" … that nobody in the catalog has ("Julia Roberts"):
   * reported to the user, never guessed or turned into keywords. Optional: parses stored before it have none.
   */
  unknownPeople?: string[];
  /** Remaining content words, stemmed (for matching; never shown). */
  keywords: string[];
  /** The same words as the user wrote them (normalised, not stemmed), to show back. */
  keywordWords?: string[];
  minRuntime: number | null;
  maxRuntime: number | null;
  /** Words that meant nothing to the parser. */
  unmatched: string[];
}
