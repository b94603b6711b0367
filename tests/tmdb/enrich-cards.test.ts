import { describe, expect, it, vi } from 'vitest';
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
    // A fake clock: the budget runs out when the test says so, however loaded the machine is, and the
    // slow card's lookup answers only after the reply was built.
    vi.useFakeTimers();
    try {
      const regions: (string | null | undefined)[] = [];
      let answerSlow: () => void = () => {};
      const slow = new Promise<void>((resolve) => {
        answerSlow = resolve;
      });
      const enricher = {
        enabled: true,
        async enrichMovie(movieId: number, opts?: { region?: string | null }) {
          regions.push(opts?.region);
          if (movieId === 2) await slow;
          return movieId === 3 ? null : enrichment(movieId);
        },
      };
      let out: MovieCard[] | undefined;
      const pending = enrichCards(enricher, [card(1), card(2), card(3)], {
        region: 'DE',
        budgetMs: 200,
      }).then((cards) => {
        out = cards;
      });
      await vi.advanceTimersByTimeAsync(199);
      expect(out).toBeUndefined(); // within the budget it still waits for card 2
      await vi.advanceTimersByTimeAsync(1);
      await pending;
      expect(out!.map((c) => c.posterUrl ?? null)).toEqual([
        'https://image.tmdb.org/t/p/w500/1.jpg',
        null,
        null,
      ]);
      expect(out![1]).toEqual(card(2));
      expect(regions).toEqual(['DE', 'DE', 'DE']);
      answerSlow();
    } finally {
      vi.useRealTimers();
    }
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
