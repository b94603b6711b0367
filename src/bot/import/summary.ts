/**
 * What the user reads when an import is done. Counts are of distinct films: a file with 183,956 rows
 * rating 4 films imports 4, and says the other rows were merged duplicates.
 */
import type { BulkRatingResult } from '../../db/store/ratings.ts';
import { titleWithYear } from '../render.ts';
import { sanitizeEcho } from '../text.ts';
import type { Reply } from '../types.ts';
import { type MatchedExport, NOT_IN_CATALOG_KEPT } from './match.ts';
import type { ParsedExport, RowProblem } from './parse.ts';

/** What the summary reads of a parse: its counts, not its films. */
type ParseCounts = Omit<ParsedExport, 'films'>;

/** "Not in my catalog" examples shown. */
export const UNMATCHED_SHOWN = NOT_IN_CATALOG_KEPT;

const FORMAT_NAMES = { letterboxd: 'Letterboxd', imdb: 'IMDb' } as const;

/** 183956 → "183,956". */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

function withExamples(p: RowProblem, what: string): string {
  const shown = p.examples.map((e) => sanitizeEcho(e, 40)).join(', ');
  return shown ? `${what} (e.g. ${shown})` : what;
}

/** One phrase per kind of skipped row, in the order a user would look for them. */
function skippedPhrases(parsed: ParseCounts): string[] {
  const p = parsed.problems;
  const out: string[] = [];
  if (p.outOfRange.count > 0) {
    const range = parsed.format === 'imdb' ? '1 to 10' : '0.5 to 5 stars in half steps';
    out.push(withExamples(p.outOfRange, `${plural(p.outOfRange.count, 'row')} rated outside ${range}`));
  }
  if (p.notANumber.count > 0) {
    out.push(withExamples(p.notANumber, `${plural(p.notANumber.count, 'row')} whose rating is not a number`));
  }
  if (p.negative.count > 0) {
    out.push(withExamples(p.negative, `${plural(p.negative.count, 'row')} with a negative rating`));
  }
  if (p.untitled.count > 0) out.push(`${plural(p.untitled.count, 'row')} without a title`);
  if (p.unrated.count > 0) out.push(`${plural(p.unrated.count, 'row')} without a rating`);
  if (p.notFilms.count > 0) out.push(`${plural(p.notFilms.count, 'title')} that are not films (TV, games)`);
  return out;
}

export interface ImportOutcome {
  parsed: ParseCounts;
  matched: MatchedExport;
  written: BulkRatingResult;
  encodingNote: string | null;
}

/** The summary reply of a finished import. */
export function summaryReply({ parsed, matched, written, encodingNote }: ImportOutcome): Reply {
  const imported = matched.movieIds.length - written.missingMovies;
  const notInCatalog = matched.notInCatalog.count + written.missingMovies;
  const merged = parsed.duplicateRows + matched.mergedOnMatch;
  const details: string[] = [];
  if (merged > 0) details.push(`${plural(merged, 'duplicate row')} merged, the last one kept`);
  if (notInCatalog > 0) {
    const examples = matched.notInCatalog.examples
      .slice(0, UNMATCHED_SHOWN)
      .map((f) => sanitizeEcho(titleWithYear(f), 60))
      .join(', ');
    details.push(`${count(notInCatalog)} not in my catalog${examples ? `: ${examples}` : ''}`);
  }
  const changes: string[] = [];
  if (written.inserted > 0) changes.push(`${count(written.inserted)} new`);
  if (written.updated > 0) changes.push(`${count(written.updated)} changed`);
  if (written.unchanged > 0) changes.push(`${count(written.unchanged)} already rated the same`);
  const skipped = skippedPhrases(parsed);
  const total = imported + notInCatalog;
  const lines = [
    total === 0
      ? `I found no ratings to import in your ${FORMAT_NAMES[parsed.format]} export.`
      : `Imported ${count(imported)} of ${plural(total, 'rating')} from your ${FORMAT_NAMES[parsed.format]} export` +
        (changes.length > 0 ? ` (${changes.join(', ')})` : '') +
        (details.length > 0 ? `; ${details.join('; ')}.` : '.'),
  ];
  if (skipped.length > 0) lines.push(`Skipped ${skipped.join(', ')}.`);
  if (encodingNote) lines.push(encodingNote);
  return {
    text: lines.join('\n'),
    ephemeral: true,
    data: {
      outcome: 'import-done',
      format: parsed.format,
      imported,
      total,
      rows: parsed.rows,
      duplicateRowsMerged: merged,
      notInCatalog,
      inserted: written.inserted,
      updated: written.updated,
      unchanged: written.unchanged,
      skipped: Object.fromEntries(Object.entries(parsed.problems).map(([k, v]) => [k, v.count])),
      encodingNote,
    },
  };
}
