/**
 * Reads a Letterboxd or IMDb ratings export and validates every row before anything touches the
 * database: ratings out of range, not numbers or negative are counted (with a few examples) rather than
 * clamped or dropped silently, and rows naming the same film are merged, the last one winning.
 */
import { parse as parseStream } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import { UserError } from '../../errors.ts';

/** One film read from an export, before it is matched to the catalog. */
export interface ExportedRating {
  title: string;
  year: number | null;
  imdbId: string | null;
  stars: number;
  /** 1-based position of the row it came from among the data rows (the last of merged duplicates). */
  row: number;
}

export type ExportFormat = 'letterboxd' | 'imdb';

/** Why a row was not imported, with how many and the first few raw values. */
export interface RowProblem {
  count: number;
  examples: string[];
}

export interface RowProblems {
  /** A number, but not a rating: 99, 0, 4.7 stars; 11/10 on IMDb. */
  outOfRange: RowProblem;
  /** Not a usable number at all: `NaN`, `abc`, `1e309` (infinite). */
  notANumber: RowProblem;
  negative: RowProblem;
  /** An empty rating cell (watched but not rated). */
  unrated: RowProblem;
  /** No title to match. */
  untitled: RowProblem;
  /** IMDb rows of TV series, episodes, games: not films. */
  notFilms: RowProblem;
}

export interface ParsedExport {
  format: ExportFormat;
  /** Data rows read (the header excluded). */
  rows: number;
  /** Rows with a valid rating. */
  validRows: number;
  /** Distinct films with a valid rating, in order of first appearance, each with its last rating. */
  films: ExportedRating[];
  /** Valid rows that repeated a film already seen (`validRows - films.length`). */
  duplicateRows: number;
  problems: RowProblems;
}

export interface ParseProgress {
  rows: number;
}

const EXAMPLES_KEPT = 3;
/** Characters handed to the streaming parser at once: a few milliseconds of work between yields. */
const STREAM_CHUNK_CHARS = 32 * 1024;

const UNKNOWN_EXPORT =
  "I don't recognise that file. Export your ratings from Letterboxd (Settings → Data → Export: ratings.csv) or IMDb (Your Ratings → Export).";

const CSV_OPTIONS = { skip_empty_lines: true, relax_column_count: true, bom: true } as const;

function problem(): RowProblem {
  return { count: 0, examples: [] };
}

function note(p: RowProblem, example: string): void {
  p.count++;
  if (p.examples.length < EXAMPLES_KEPT) p.examples.push(example.slice(0, 40));
}

function yearOf(v: string | undefined): number | null {
  const n = Number(v);
  return Number.isInteger(n) && n > 1800 ? n : null;
}

/** `tt0114709`, `0114709` and `114709` are the same IMDb id. */
export function imdbKey(id: string): string {
  return id.trim().replace(/^tt/i, '').replace(/^0+/, '');
}

/** The identity of a film in an export: its IMDb id, or its title and year. */
function filmKey(title: string, year: number | null, imdbId: string | null): string {
  if (imdbId && imdbKey(imdbId)) return `imdb:${imdbKey(imdbId)}`;
  return `title:${title.toLowerCase().replace(/\s+/g, ' ')}|${year ?? ''}`;
}

/** Letterboxd: 0.5–5 in half stars. IMDb: whole numbers 1–10, halved. */
const SCALES: Record<
  ExportFormat,
  { column: string; valid(n: number): boolean; toStars(n: number): number }
> = {
  letterboxd: {
    column: 'Rating',
    valid: (n) => n >= 0.5 && n <= 5 && Number.isInteger(n * 2),
    toStars: (n) => n,
  },
  imdb: {
    column: 'Your Rating',
    valid: (n) => n >= 1 && n <= 10 && Number.isInteger(n),
    toStars: (n) => n / 2,
  },
};

/** Which export a header belongs to, or a friendly error. */
export function detectFormat(header: readonly string[]): ExportFormat {
  const names = header.map((h) => h.trim());
  if (names.includes('Letterboxd URI') || (names.includes('Name') && names.includes('Rating'))) {
    return 'letterboxd';
  }
  if (names.includes('Const') && names.includes('Your Rating')) return 'imdb';
  throw new UserError('unknown-export', UNKNOWN_EXPORT);
}

/** Collects rows one at a time: validation and merging shared by the sync and streaming readers. */
class ExportReader {
  format: ExportFormat | null = null;
  private columns = new Map<string, number>();
  private rows = 0;
  private validRows = 0;
  private readonly films = new Map<string, ExportedRating>();
  private readonly problems: RowProblems = {
    outOfRange: problem(),
    notANumber: problem(),
    negative: problem(),
    unrated: problem(),
    untitled: problem(),
    notFilms: problem(),
  };

  /** A named column of a record, trimmed ('' when the export has no such column). */
  private cell(record: string[], name: string): string {
    const at = this.columns.get(name);
    return at === undefined ? '' : (record[at] ?? '').trim();
  }

  add(record: string[]): void {
    if (this.format === null) {
      this.format = detectFormat(record);
      record.forEach((name, i) => {
        if (!this.columns.has(name.trim())) this.columns.set(name.trim(), i);
      });
      return;
    }
    this.rows++;
    const imdb = this.format === 'imdb';
    const title = this.cell(record, imdb ? 'Title' : 'Name');
    const type = imdb ? this.cell(record, 'Title Type').toLowerCase() : '';
    if (imdb && type && !type.includes('movie') && type !== 'video') {
      note(this.problems.notFilms, title || type);
      return;
    }
    const scale = SCALES[this.format];
    const raw = this.cell(record, scale.column);
    const value = Number(raw);
    const p = this.problems;
    const rejected: [RowProblem, string] | null =
      raw === ''
        ? [p.unrated, title]
        : !Number.isFinite(value)
          ? [p.notANumber, raw]
          : value < 0
            ? [p.negative, raw]
            : !scale.valid(value)
              ? [p.outOfRange, raw]
              : !title
                ? [p.untitled, raw]
                : null;
    if (rejected) {
      note(...rejected);
      return;
    }
    this.validRows++;
    const year = yearOf(this.cell(record, 'Year'));
    const imdbId = imdb ? this.cell(record, 'Const') || null : null;
    const key = filmKey(title, year, imdbId);
    // Last one wins: a later row replaces the rating but the film keeps its first place in the list.
    this.films.set(key, { title, year, imdbId, stars: scale.toStars(value), row: this.rows });
  }

  get rowsRead(): number {
    return this.rows;
  }

  result(): ParsedExport {
    if (this.format === null) throw new UserError('empty-export', 'That export has no ratings in it.');
    const films = [...this.films.values()];
    return {
      format: this.format,
      rows: this.rows,
      validRows: this.validRows,
      films,
      duplicateRows: this.validRows - films.length,
      problems: this.problems,
    };
  }
}

function badCsv(error: unknown): UserError {
  return new UserError('bad-csv', `That file is not a readable CSV: ${(error as Error).message}`);
}

/** Reads a whole export at once (small files, tests). See {@link readExport} for the streaming one. */
export function parseExport(text: string): ParsedExport {
  const reader = new ExportReader();
  let records: string[][];
  try {
    records = parseSync(text, CSV_OPTIONS) as string[][];
  } catch (error) {
    throw badCsv(error);
  }
  for (const record of records) reader.add(record);
  return reader.result();
}

/**
 * Reads an export in small pieces, giving the event loop back between them, so a 5 MB file does not
 * hold up every other user's request for the second it takes to parse. Reports rows read as it goes.
 */
export async function readExport(
  text: string,
  onProgress: (progress: ParseProgress) => void = () => {},
): Promise<ParsedExport> {
  const reader = new ExportReader();
  const parser = parseStream(CSV_OPTIONS);
  const feed = (async () => {
    for (let at = 0; at < text.length; at += STREAM_CHUNK_CHARS) {
      if (parser.destroyed) return;
      parser.write(text.slice(at, at + STREAM_CHUNK_CHARS));
      onProgress({ rows: reader.rowsRead });
      await new Promise((resolve) => setImmediate(resolve));
    }
    parser.end();
  })();
  try {
    for await (const record of parser) reader.add(record as string[]);
  } catch (error) {
    parser.destroy();
    throw error instanceof UserError ? error : badCsv(error);
  } finally {
    await feed;
  }
  onProgress({ rows: reader.rowsRead });
  return reader.result();
}

/** The header line's format, checked before an import is queued, so a wrong file fails at once. */
export function formatOfHeader(text: string): ExportFormat {
  const end = text.indexOf('\n');
  const firstLine = end < 0 ? text : text.slice(0, end);
  let header: string[][];
  try {
    header = parseSync(firstLine, { ...CSV_OPTIONS, relax_quotes: true }) as string[][];
  } catch (error) {
    throw badCsv(error);
  }
  if (!header[0]) throw new UserError('empty-export', 'That export has no ratings in it.');
  return detectFormat(header[0]);
}

/** Data lines in an export (non-empty lines after the header), for "Importing N rows…" before parsing. */
export function countDataLines(text: string): number {
  let lines = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start && !(end === start + 1 && text[start] === '\r')) lines++;
    start = end + 1;
  }
  return Math.max(0, lines - 1);
}
