import type { Logger } from '../logger.ts';
import type { TokenBucket } from './rate-limit.ts';

/** Where tmdb-ts sends every request; rewritten when `TMDB_API_URL` points elsewhere. */
export const TMDB_DEFAULT_API_URL = 'https://api.themoviedb.org/3';

/** One request never holds a card back longer than this. */
export const DEFAULT_TIMEOUT_MS = 8_000;
/** How often a 429 is retried before the request gives up. */
export const MAX_RATE_LIMIT_RETRIES = 2;
/** A Retry-After longer than this is not waited for; the request fails (and degrades) instead. */
export const MAX_RETRY_AFTER_MS = 30_000;
/** Used when a 429 carries no usable Retry-After header. */
const DEFAULT_RETRY_AFTER_MS = 1_000;

export type TmdbFailureKind = 'unauthorized' | 'not-found' | 'rate-limited' | 'timeout' | 'network' | 'http';

/** A TMDB request that did not produce data; the enricher turns it into "no enrichment". */
export class TmdbRequestError extends Error {
  override name = 'TmdbRequestError';
  constructor(
    readonly kind: TmdbFailureKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface TmdbAuth {
  /** v3 API key (sent as `api_key`), unless it is really a v4 token. */
  apiKey: string | undefined;
  /** v4 read access token (sent as `Authorization: Bearer`). */
  readToken: string | undefined;
}

export interface TmdbFetchOptions {
  auth: TmdbAuth;
  /** Base URL replacing {@link TMDB_DEFAULT_API_URL}, e.g. a proxy or a local fake. */
  apiUrl?: string | undefined;
  timeoutMs?: number;
  logger: Logger;
  /** Defaults to the global fetch (which msw intercepts in tests). */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Paces every request (bulk enrichment, syncs) under TMDB's rate ceiling; see rate-limit.ts. */
  bucket?: TokenBucket;
}

/** v4 read tokens are JWTs; people often paste one into TMDB_API_KEY, so accept it there too. */
function looksLikeBearerToken(value: string): boolean {
  return value.startsWith('eyJ') && value.split('.').length === 3;
}

/** The token tmdb-ts should put in its Bearer header (empty when only a v3 key is configured). */
export function bearerTokenFor(auth: TmdbAuth): string {
  if (auth.readToken) return auth.readToken;
  if (auth.apiKey && looksLikeBearerToken(auth.apiKey)) return auth.apiKey;
  return '';
}

/** Parses Retry-After (delta seconds or an HTTP date) into milliseconds from now. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A `fetch` for tmdb-ts that redirects to the configured base URL, authenticates with whichever
 * credential is set, times out, waits out 429s (shared across requests, so one 429 slows everyone
 * rather than each request hammering on) and turns every non-2xx answer into a {@link TmdbRequestError}
 * (tmdb-ts would otherwise reject with the bare JSON body and lose the status).
 */
export function createTmdbFetch(options: TmdbFetchOptions): typeof fetch {
  const baseFetch = options.fetch ?? ((input, init) => fetch(input, init));
  const sleep = options.sleep ?? defaultSleep;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const apiUrl = (options.apiUrl ?? TMDB_DEFAULT_API_URL).replace(/\/+$/, '');
  const bearer = bearerTokenFor(options.auth);
  let blockedUntil = 0;

  const rewrite = (raw: string): string => {
    const url = new URL(
      raw.startsWith(TMDB_DEFAULT_API_URL) ? apiUrl + raw.slice(TMDB_DEFAULT_API_URL.length) : raw,
    );
    if (!bearer && options.auth.apiKey) url.searchParams.set('api_key', options.auth.apiKey);
    return url.toString();
  };

  const tmdbFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const raw = typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url;
    const url = rewrite(raw);
    const headers = new Headers(init?.headers);
    if (bearer) headers.set('Authorization', `Bearer ${bearer}`);
    else headers.delete('Authorization');
    headers.set('Accept', 'application/json');
    const path = new URL(url).pathname;

    for (let attempt = 0; ; attempt++) {
      const wait = blockedUntil - Date.now();
      if (wait > 0) await sleep(wait);
      await options.bucket?.take();
      let response: Response;
      try {
        response = await baseFetch(url, { ...init, headers, signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        const name = (error as Error)?.name;
        if (name === 'TimeoutError' || name === 'AbortError') {
          throw new TmdbRequestError('timeout', `TMDB ${path} timed out after ${timeoutMs} ms`, undefined, {
            cause: error,
          });
        }
        throw new TmdbRequestError(
          'network',
          `TMDB ${path} failed: ${(error as Error)?.message}`,
          undefined,
          {
            cause: error,
          },
        );
      }
      if (response.ok) return response;
      const message = await statusMessage(response);
      if (response.status === 429) {
        const retryAfter = parseRetryAfter(response.headers.get('retry-after')) ?? DEFAULT_RETRY_AFTER_MS;
        if (attempt < MAX_RATE_LIMIT_RETRIES && retryAfter <= MAX_RETRY_AFTER_MS) {
          blockedUntil = Math.max(blockedUntil, Date.now() + retryAfter);
          options.logger.warn({ path, retryAfterMs: retryAfter, attempt }, 'TMDB rate limit hit; waiting');
          continue;
        }
        throw new TmdbRequestError('rate-limited', `TMDB ${path} rate limited: ${message}`, 429);
      }
      const kind: TmdbFailureKind =
        response.status === 401 ? 'unauthorized' : response.status === 404 ? 'not-found' : 'http';
      throw new TmdbRequestError(
        kind,
        `TMDB ${path} answered ${response.status}: ${message}`,
        response.status,
      );
    }
  };
  return tmdbFetch as typeof fetch;
}

/** TMDB error bodies are `{ status_code, status_message }`; fall back to the status text. */
async function statusMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { status_message?: unknown };
    if (typeof body?.status_message === 'string') return body.status_message;
  } catch {}
  return response.statusText || 'error';
}
