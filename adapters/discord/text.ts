/** Text helpers that keep user and catalog strings inside Discord's limits without breaking characters. */

export const ELLIPSIS = '…';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Control characters other than tab and newline confuse clients and some are rejected outright.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Replaces lone surrogates (invalid UTF-16 that JSON would carry as garbage) and strips control characters. */
export function sanitize(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD').replace(CONTROL, '');
}

/**
 * Cuts `text` to at most `max` UTF-16 code units (Discord counts no more strictly than that), ending
 * with "…" when cut, and never splitting a grapheme (emoji sequences, combining marks) in half.
 */
export function truncate(text: string, max: number): string {
  const clean = sanitize(text);
  if (clean.length <= max) return clean;
  if (max <= 0) return '';
  if (max < ELLIPSIS.length + 1) return ELLIPSIS.slice(0, max);
  const room = max - ELLIPSIS.length;
  let out = '';
  for (const { segment } of segmenter.segment(clean)) {
    if (out.length + segment.length > room) break;
    out += segment;
  }
  return out.trimEnd() + ELLIPSIS;
}

/** True when the text has nothing visible (Discord rejects blank required strings). */
export function isBlank(text: string | null | undefined): boolean {
  return text == null || sanitize(text).trim() === '';
}

/** An http(s) URL Discord will accept in an embed, or undefined. */
export function safeUrl(url: string | null | undefined, max: number): string | undefined {
  if (!url || url.length > max) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.toString() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Splits long text into chunks of at most `max` characters, preferring line breaks, then spaces, so a
 * long help text becomes several messages instead of being cut off.
 */
export function splitText(text: string, max: number): string[] {
  const clean = sanitize(text);
  const chunks: string[] = [];
  let rest = clean;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) {
      // No good break: cut at a grapheme boundary instead.
      const head = truncate(rest, max + ELLIPSIS.length).slice(0, -ELLIPSIS.length);
      cut = head.length || max;
    }
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^[\n ]+/, '');
  }
  if (rest.trim() !== '' || chunks.length === 0) chunks.push(rest);
  return chunks.filter((c, i) => c.trim() !== '' || i === 0);
}

/** "★★★½☆ 3.6": stars drawn to the nearest half, the number as given (0–5). */
export function formatStars(stars: number): string {
  const exact = Math.min(5, Math.max(0, stars));
  const value = Math.round(exact * 2) / 2;
  const full = Math.floor(value);
  const half = value - full >= 0.5;
  return `${'★'.repeat(full)}${half ? '½' : ''}${'☆'.repeat(5 - full - (half ? 1 : 0))} ${exact.toFixed(1)}`;
}
