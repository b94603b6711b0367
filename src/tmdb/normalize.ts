import { z } from 'zod';

/** TMDB's image CDN; sizes per https://developer.themoviedb.org/docs/image-basics. */
export const TMDB_IMAGE_BASE = 'https://image.tmdb.org/t/p';
export const POSTER_SIZE = 'w500';
export const BACKDROP_SIZE = 'w1280';
export const YOUTUBE_WATCH_URL = 'https://www.youtube.com/watch?v=';
/** Cards show a handful of names; the content model does not need the whole ensemble either. */
export const TOP_CAST = 8;
export const MAX_KEYWORDS = 30;

/** Where to watch a film in one region, provider names in TMDB's display order. */
export interface RegionProviders {
  link: string | null;
  /** Subscription, free and ad-supported streaming. */
  stream: string[];
  rent: string[];
  buy: string[];
}

/** What the cache keeps for one TMDB movie: every region's providers, so a region change needs no call. */
export interface TmdbMovieData {
  tmdbId: number;
  title: string;
  year: number | null;
  posterPath: string | null;
  backdropPath: string | null;
  overview: string | null;
  runtime: number | null;
  directors: string[];
  cast: string[];
  trailerKey: string | null;
  keywords: string[];
  providers: Record<string, RegionProviders>;
}

const text = z.string().nullish().catch(null);
const person = z.object({ name: z.string(), job: z.string().optional(), order: z.number().optional() });
const provider = z.object({ provider_name: z.string(), display_priority: z.number().optional() });
const providerList = z.array(provider).optional().catch(undefined);

const detailsSchema = z.object({
  id: z.number().int(),
  title: z.string().catch(''),
  release_date: text,
  poster_path: text,
  backdrop_path: text,
  overview: text,
  runtime: z.number().nullish().catch(null),
  credits: z
    .object({
      cast: z.array(person).catch([]),
      crew: z.array(person).catch([]),
    })
    .optional()
    .catch(undefined),
  videos: z
    .object({
      results: z
        .array(
          z.object({
            key: z.string(),
            site: z.string(),
            type: z.string(),
            official: z.boolean().optional(),
            published_at: z.string().optional(),
          }),
        )
        .catch([]),
    })
    .optional()
    .catch(undefined),
  keywords: z
    .object({ keywords: z.array(z.object({ name: z.string() })).catch([]) })
    .optional()
    .catch(undefined),
  'watch/providers': z
    .object({
      results: z
        .record(
          z.string(),
          z.object({
            link: text,
            flatrate: providerList,
            free: providerList,
            ads: providerList,
            rent: providerList,
            buy: providerList,
          }),
        )
        .catch({}),
    })
    .optional()
    .catch(undefined),
});

export type TmdbDetailsPayload = z.input<typeof detailsSchema>;

/**
 * Turns a `/movie/{id}?append_to_response=credits,videos,keywords,watch/providers` answer into what the
 * cache keeps. Tolerant: a malformed section is dropped, not fatal; only a missing id is.
 */
export function normalizeMovieDetails(payload: unknown): TmdbMovieData {
  const d = detailsSchema.parse(payload);
  const year = yearOf(d.release_date);
  const crew = d.credits?.crew ?? [];
  const cast = [...(d.credits?.cast ?? [])].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
  const providers: Record<string, RegionProviders> = {};
  for (const [region, p] of Object.entries(d['watch/providers']?.results ?? {})) {
    providers[region] = {
      link: p.link ?? null,
      stream: providerNames([...(p.flatrate ?? []), ...(p.free ?? []), ...(p.ads ?? [])]),
      rent: providerNames(p.rent ?? []),
      buy: providerNames(p.buy ?? []),
    };
  }
  return {
    tmdbId: d.id,
    title: d.title,
    year,
    posterPath: d.poster_path || null,
    backdropPath: d.backdrop_path || null,
    overview: d.overview?.trim() || null,
    runtime: d.runtime && d.runtime > 0 ? d.runtime : null,
    directors: unique(crew.filter((c) => c.job === 'Director').map((c) => c.name)),
    cast: unique(cast.map((c) => c.name)).slice(0, TOP_CAST),
    trailerKey: pickTrailerKey(d.videos?.results ?? []),
    keywords: unique((d.keywords?.keywords ?? []).map((k) => k.name)).slice(0, MAX_KEYWORDS),
    providers,
  };
}

/** Prefers an official YouTube trailer, then any YouTube trailer, then a teaser. */
export function pickTrailerKey(videos: { key: string; site: string; type: string; official?: boolean }[]) {
  const youtube = videos.filter((v) => v.site === 'YouTube' && v.key);
  const rank = (v: (typeof youtube)[number]) =>
    (v.type === 'Trailer' ? 0 : v.type === 'Teaser' ? 2 : 4) + (v.official === false ? 1 : 0);
  const candidates = youtube.filter((v) => v.type === 'Trailer' || v.type === 'Teaser');
  candidates.sort((a, b) => rank(a) - rank(b));
  return candidates[0]?.key ?? null;
}

export function imageUrl(path: string | null, size: string): string | null {
  return path ? `${TMDB_IMAGE_BASE}/${size}${path.startsWith('/') ? '' : '/'}${path}` : null;
}

export function trailerUrl(key: string | null): string | null {
  return key ? `${YOUTUBE_WATCH_URL}${encodeURIComponent(key)}` : null;
}

/**
 * Provider names for a card: streaming first, then rentals and purchases marked as such, each name
 * once (a service that streams and rents is listed as streaming).
 */
export function providersForRegion(data: TmdbMovieData, region: string): string[] {
  const p = data.providers[region.toUpperCase()];
  if (!p) return [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const [names, suffix] of [
    [p.stream, ''],
    [p.rent, ' (rent)'],
    [p.buy, ' (buy)'],
  ] as const) {
    for (const name of names) {
      if (seen.has(name)) continue;
      seen.add(name);
      out.push(name + suffix);
    }
  }
  return out;
}

const searchSchema = z.object({
  results: z
    .array(
      z.object({
        id: z.number().int(),
        title: z.string().catch(''),
        original_title: z.string().optional().catch(undefined),
        release_date: text,
        popularity: z.number().optional().catch(undefined),
      }),
    )
    .catch([]),
});

/**
 * Picks the TMDB id a `/search/movie` answer most likely means for a MovieLens title and year: an exact
 * (normalised) title in the right year, else the first hit within a year of it, else — without a year
 * — the first hit. Returns null rather than guess across decades.
 */
export function pickSearchResult(payload: unknown, title: string, year: number | null): number | null {
  const { results } = searchSchema.parse(payload);
  if (results.length === 0) return null;
  const wanted = new Set(searchTitles(title).map(simplify));
  const titleMatches = (r: (typeof results)[number]) =>
    wanted.has(simplify(r.title)) ||
    (r.original_title !== undefined && wanted.has(simplify(r.original_title)));
  if (year === null) return (results.find(titleMatches) ?? results[0])!.id;
  const near = results.filter((r) => {
    const y = yearOf(r.release_date);
    return y !== null && Math.abs(y - year) <= 1;
  });
  const exact = near.find((r) => titleMatches(r) && yearOf(r.release_date) === year);
  return (exact ?? near.find(titleMatches) ?? near[0])?.id ?? null;
}

const TRAILING_ARTICLE = /^(.*), (The|A|An|Les|Le|La|L'|Il|Der|Die|Das|El|Los|Las|Det|De|Den)$/i;

/**
 * MovieLens writes "Matrix, The" and adds alternative titles in parentheses ("Seven (a.k.a. Se7en)");
 * TMDB wants "The Matrix". Returns the query forms to try, best first.
 */
export function searchTitles(movielensTitle: string): string[] {
  const out: string[] = [];
  const add = (s: string) => {
    const t = s.trim();
    if (t && !out.includes(t)) out.push(t);
  };
  const main = movielensTitle.replace(/\s*\([^()]*\)\s*$/, '').trim() || movielensTitle.trim();
  const m = TRAILING_ARTICLE.exec(main);
  add(m ? `${m[2]}${m[2]!.endsWith("'") ? '' : ' '}${m[1]}` : main);
  add(main);
  const alt = /\((?:a\.k\.a\. )?([^()]*)\)\s*$/.exec(movielensTitle)?.[1];
  if (alt) {
    const am = TRAILING_ARTICLE.exec(alt.trim());
    add(am ? `${am[2]} ${am[1]}` : alt);
  }
  return out;
}

function simplify(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function yearOf(date: string | null | undefined): number | null {
  const m = /^(\d{4})/.exec(date ?? '');
  return m ? Number(m[1]) : null;
}

function providerNames(list: { provider_name: string; display_priority?: number }[]): string[] {
  return unique(
    [...list]
      .sort((a, b) => (a.display_priority ?? 0) - (b.display_priority ?? 0))
      .map((p) => p.provider_name),
  );
}

function unique(values: string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter(Boolean))];
}
