/**
 * Reading ratings exports, for callers outside `/import` (the Slack adapter's size cap, tests). The
 * import itself lives in `import/`: parsing and validation (parse.ts), encodings (decode.ts), catalog
 * matching (match.ts), background jobs (jobs.ts).
 */
import { type ExportedRating, type ExportFormat, parseExport } from './import/parse.ts';

export { type ExportFormat, imdbKey } from './import/parse.ts';
export { MAX_IMPORT_BYTES } from './import/read-file.ts';

/**
 * Reads a Letterboxd (`Date,Name,Year,Letterboxd URI,Rating`) or IMDb (`Const,Your Rating,…,Title,…,Year`)
 * ratings export: its distinct films with valid ratings (IMDb's 1–10 become 0.5–5 stars). Rows it
 * skips are counted by {@link parseExport}, which `/import` reports.
 */
export function parseRatingsExport(content: string): {
  format: ExportFormat;
  ratings: Omit<ExportedRating, 'row'>[];
} {
  const parsed = parseExport(content);
  return { format: parsed.format, ratings: parsed.films.map(({ row: _row, ...film }) => film) };
}
