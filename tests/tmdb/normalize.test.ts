import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bearerTokenFor, parseRetryAfter } from '../../src/tmdb/http.ts';
import {
  normalizeMovieDetails,
  pickSearchResult,
  pickTrailerKey,
  providersForRegion,
  searchTitles,
  TOP_CAST,
} from '../../src/tmdb/normalize.ts';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

describe('normalizeMovieDetails', () => {
  const matrix = normalizeMovieDetails(fixture('movie-603.json'));

  it('keeps directors (each once), cast in billing order, runtime and keywords', () => {
    expect(matrix).toMatchObject({
      tmdbId: 603,
      title: 'The Matrix',
      year: 1999,
      runtime: 136,
      directors: ['Lana Wachowski', 'Lilly Wachowski'],
      posterPath: '/p96dm7sCMn4VYAStA6siNz30G1r.jpg',
    });
    expect(matrix.cast.slice(0, 3)).toEqual(['Keanu Reeves', 'Laurence Fishburne', 'Carrie-Anne Moss']);
    expect(matrix.keywords).toContain('hacker');
  });

  it('picks the official YouTube trailer over clips, fan trailers and other sites', () => {
    expect(matrix.trailerKey).toBe('vKQi3bBA1y8');
  });

  it('lists streaming first in display order, then rentals and purchases once each', () => {
    expect(providersForRegion(matrix, 'us')).toEqual([
      'Amazon Prime Video',
      'Max',
      'Apple TV (rent)',
      'Amazon Video (rent)',
    ]);
    expect(providersForRegion(matrix, 'DE')).toEqual(['Netflix']);
    expect(providersForRegion(matrix, 'FR')).toEqual([]);
  });

  it('survives missing or malformed appended sections', () => {
    const bare = normalizeMovieDetails({
      id: 1,
      title: 'Bare',
      credits: 'nope',
      videos: { results: 3 },
      runtime: 0,
    });
    expect(bare).toMatchObject({
      tmdbId: 1,
      directors: [],
      cast: [],
      trailerKey: null,
      runtime: null,
      providers: {},
    });
    expect(() => normalizeMovieDetails({ title: 'no id' })).toThrow();
  });

  it('caps the cast at TOP_CAST names', () => {
    const cast = Array.from({ length: 40 }, (_, i) => ({ name: `Actor ${i}`, order: 39 - i }));
    expect(normalizeMovieDetails({ id: 2, title: 'Crowd', credits: { cast, crew: [] } }).cast).toHaveLength(
      TOP_CAST,
    );
  });
});

describe('pickTrailerKey', () => {
  it('falls back to a teaser, and to nothing when only clips exist', () => {
    expect(pickTrailerKey([{ key: 't', site: 'YouTube', type: 'Teaser' }])).toBe('t');
    expect(pickTrailerKey([{ key: 'c', site: 'YouTube', type: 'Clip' }])).toBeNull();
  });
});

describe('searchTitles', () => {
  it('moves MovieLens trailing articles to the front and drops alternative titles', () => {
    expect(searchTitles('Matrix, The')[0]).toBe('The Matrix');
    expect(searchTitles('Seven (a.k.a. Se7en)')).toEqual(['Seven', 'Se7en']);
    expect(searchTitles('City of Lost Children, The (Cité des enfants perdus, La)')[0]).toBe(
      'The City of Lost Children',
    );
  });

  it('never returns an empty query (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => s.trim() !== ''),
        (title) => {
          const forms = searchTitles(title);
          expect(forms.length).toBeGreaterThan(0);
          for (const f of forms) expect(f.trim()).not.toBe('');
        },
      ),
    );
  });
});

describe('pickSearchResult', () => {
  const search = fixture('search-matrix.json');
  it('prefers the exact title in the right year over a more recent sequel listed first', () => {
    expect(pickSearchResult(search, 'The Matrix', 1999)).toBe(603);
  });
  it('refuses a match decades away, and takes the title match when no year is known', () => {
    expect(pickSearchResult(search, 'The Matrix', 1960)).toBeNull();
    expect(pickSearchResult(search, 'The Matrix', null)).toBe(603);
    expect(pickSearchResult({ page: 1, results: [], total_results: 0 }, 'x', 2000)).toBeNull();
  });
});

describe('http helpers', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
  it('sends a v3 key as api_key but a JWT pasted into TMDB_API_KEY as a bearer token', () => {
    expect(bearerTokenFor({ apiKey: 'abc123', readToken: undefined })).toBe('');
    expect(bearerTokenFor({ apiKey: 'eyJhbGciOi.eyJzdWIiOi.sig', readToken: undefined })).toBe(
      'eyJhbGciOi.eyJzdWIiOi.sig',
    );
    expect(bearerTokenFor({ apiKey: 'abc', readToken: 'tok' })).toBe('tok');
  });
});
