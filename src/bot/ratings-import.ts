import { parse } from 'csv-parse/sync';
import type { CatalogMovie } from '../catalog/catalog.ts';
import { UserError } from '../errors.ts';
import type { CatalogView } from './catalog-view.ts';

/** One rating read from an export file, before it is matched to the catalog. */
export interface ExportedRating {
  title: string;
  year: number | null;
  imdbId: string | null;
  stars: number;
}

export type ExportFormat = 'letterboxd' | 'imdb';

/** Largest export accepted (a heavy Letterboxd user's ratings.csv is well under 1 MB). */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

/**
 * Reads a Letterboxd (`Date,Name,Year,Letterboxd URI,Rating`) or IMDb (`Const,Your Rating,…,Title,…,Year`)
 * ratings export. IMDb's 1–10 become 0.5–5 stars. Rows without a rating are skipped.
 */
export function parseRatingsExport(content: string): { format: ExportFormat; ratings: ExportedRating[] } {
  let rows: Record<string, string>[];
  try {
    rows = parse(content.replace(/^\uFEFF/, ''), {
      columns: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    });
  } catch (error) {
    throw new UserError('bad-csv', `That file is not a readable CSV: ${(error as Error).message}`);
  }
  const header = Object.keys(rows[0] ?? {});
  if (header.includes('Letterboxd URI') || (header.includes('Name') && header.includes('Rating'))) {
    return {
      format: 'letterboxd',
      ratings: rows.flatMap((r) => {
        const stars = Number(r['Rating']);
        if (!r['Name'] || !Number.isFinite(stars) || stars <= 0) return [];
        return [{ title: r['Name'], year: yearOf(r['Year']), imdbId: null, stars: clampStars(stars) }];
      }),
    };
  }
  if (header.includes('Const') && header.includes('Your Rating')) {
    return {
      format: 'imdb',
      ratings: rows.flatMap((r) => {
        const ten = Number(r['Your Rating']);
        const type = (r['Title Type'] ?? 'movie').toLowerCase();
        if (
          !r['Title'] ||
          !Number.isFinite(ten) ||
          ten <= 0 ||
          (type && !type.includes('movie') && type !== 'video')
        )
          return [];
        return [
          {
            title: r['Title'],
            year: yearOf(r['Year']),
            imdbId: r['Const'] ?? null,
            stars: clampStars(ten / 2),
          },
        ];
      }),
    };
  }
  throw new UserError(
    'unknown-export',
    "I don't recognise that file. Export your ratings from Letterboxd (Settings → Data → Export: ratings.csv) or IMDb (Your Ratings → Export).",
  );
}

function yearOf(v: string | undefined): number | null {
  const n = Number(v);
  return Number.isInteger(n) && n > 1800 ? n : null;
}

/** Half-star steps within 0.5–5. */
function clampStars(stars: number): number {
  return Math.min(5, Math.max(0.5, Math.round(stars * 2) / 2));
}

/** `tt0114709`, `0114709` and `114709` are the same IMDb id. */
export function imdbKey(id: string): string {
  return id.replace(/^tt/i, '').replace(/^0+/, '');
}

/** Finds each exported rating's movie: IMDb id first, then exact title with a year within one. */
export function matchExported(
  view: CatalogView,
  ratings: ExportedRating[],
): { movie: CatalogMovie; stars: number }[] {
  const byImdb = new Map<string, CatalogMovie>();
  for (const m of view.catalog.list) if (m.imdbId) byImdb.set(imdbKey(m.imdbId), m);
  const out: { movie: CatalogMovie; stars: number }[] = [];
  for (const r of ratings) {
    let movie = r.imdbId ? byImdb.get(imdbKey(r.imdbId)) : undefined;
    if (!movie) {
      const exact = view.index
        .exact(r.title)
        .map((m) => view.movie(m.entry.id)!)
        .filter((m) => m && (r.year === null || m.year === null || Math.abs(m.year - r.year) <= 1));
      movie = exact[0];
    }
    if (movie) out.push({ movie, stars: r.stars });
  }
  return out;
}
