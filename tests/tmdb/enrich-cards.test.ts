import { describe, expect, it } from 'vitest';
import type { MovieCard } from '../../src/bot/types.ts';
import { applyEnrichment, enrichCards, type MovieEnrichment } from '../../src/tmdb/index.ts';

const card = (movieId: number, extra: Partial<MovieCard> = {}): MovieCard => ({
  movieId,
  title: `Movie ${movieId}`,
  year: 1999,
  genres: ['Drama'],
  directors: [],
  cast: [],
  runtime: null,
  predictedStars: null,
  userRating: null,
  reason: 'because',
  actions: [],
  ...extra,
});

const enrichment = (movieId: number): MovieEnrichment => ({
  tmdbId: 1000 + movieId,
  tmdbUrl: `https://www.themoviedb.org/movie/${1000 + movieId}`,
  posterUrl: `https://image.tmdb.org/t/p/w500/${movieId}.jpg`,
  backdropUrl: null,
  overview: `Overview ${movieId}`,
  trailerUrl: `https://www.youtube.com/watch?v=k${movieId}`,
  providers: ['Netflix'],
  directors: ['Someone'],
  cast: ['A', 'B'],
  runtime: 100,
  keywords: [],
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('applyEnrichment', () => {
  it('fills what the card lacks and keeps what it has', () => {
    const out = applyEnrichment(
      card(1, { directors: ['Our Director'], overview: 'Ours', url: 'x' }),
      enrichment(1),
    );
    expect(out).toMatchObject({
      posterUrl: 'https://image.tmdb.org/t/p/w500/1.jpg',
      trailerUrl: 'https://www.youtube.com/watch?v=k1',
      directors: ['Our Director'],
      overview: 'Ours',
      url: 'x',
      runtime: 100,
      providers: ['Netflix'],
    });
    expect(applyEnrichment(card(2), null)).toEqual(card(2));
  });
});

describe('enrichCards', () => {
  it('enriches the cards that answer in time and sends the slow ones as they are', async () => {
    const regions: (string | null | undefined)[] = [];
    const enricher = {
      enabled: true,
      async enrichMovie(movieId: number, opts?: { region?: string | null }) {
        regions.push(opts?.region);
        if (movieId === 2) await sleep(2_000);
        return movieId === 3 ? null : enrichment(movieId);
      },
    };
    const started = Date.now();
    const out = await enrichCards(enricher, [card(1), card(2), card(3)], { region: 'DE', budgetMs: 200 });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(out.map((c) => c.posterUrl ?? null)).toEqual([
      'https://image.tmdb.org/t/p/w500/1.jpg',
      null,
      null,
    ]);
    expect(out[1]).toEqual(card(2));
    expect(regions).toEqual(['DE', 'DE', 'DE']);
  });

  it('does nothing when TMDB is off', async () => {
    let calls = 0;
    const enricher = {
      enabled: false,
      async enrichMovie() {
        calls++;
        return null;
      },
    };
    const cards = [card(1)];
    expect(await enrichCards(enricher, cards)).toBe(cards);
    expect(calls).toBe(0);
  });
});
