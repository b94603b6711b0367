import { UserError } from '../errors.ts';

/** How long a download may wait for the server's first answer (headers); the body may take longer. */
const RESPONSE_TIMEOUT_MS = 15_000;

export interface DownloadRequest {
  /** Error code for an HTTP error answer, e.g. `imdb-download`. */
  code: string;
  /** What the user can do instead, e.g. "Use --from DIR to import files you already have." */
  hint: string;
  headers?: Record<string, string>;
  /** A bound on the whole transfer, body included (none: the caller streams and resumes). */
  totalMs?: number;
  fetchFn?: typeof fetch;
}

/** GET with a short wait for the first answer; network failures and HTTP errors become UserErrors. */
export async function downloadRequest(url: string, r: DownloadRequest): Promise<Response> {
  const firstAnswer = new AbortController();
  const timer = setTimeout(() => firstAnswer.abort(new Error('no answer')), RESPONSE_TIMEOUT_MS);
  const signal =
    r.totalMs === undefined
      ? firstAnswer.signal
      : AbortSignal.any([firstAnswer.signal, AbortSignal.timeout(r.totalMs)]);
  let response: Response;
  try {
    response = await (r.fetchFn ?? fetch)(url, { headers: r.headers, signal, redirect: 'follow' });
  } catch (error) {
    throw offlineError(url, error, r.hint);
  } finally {
    clearTimeout(timer);
  }
  if (!response.ok) {
    throw new UserError(
      r.code,
      `could not download ${url}: the server answered HTTP ${response.status}. ${r.hint}`,
    );
  }
  return response;
}

/** A download that broke off (refused, reset, timed out) as a friendly "are you offline?" UserError. */
export function offlineError(url: string, error: unknown, hint: string): UserError {
  if (error instanceof UserError) return error;
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  const reason = cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error);
  return new UserError('offline', `could not download ${url} (${reason}): are you offline? ${hint}`, {
    cause: error,
  });
}
