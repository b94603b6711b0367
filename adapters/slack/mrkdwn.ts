/**
 * Safe text for Slack: escaping of user-supplied text, mention neutralising, and conversion of the
 * core's light markdown (`**bold**`, `_italic_`, `[label](url)`) into Slack mrkdwn.
 */

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Private-use characters used as link placeholders; stripped from input so nobody can forge one. */
const PLACEHOLDER_OPEN = '\uE000';
const PLACEHOLDER_CLOSE = '\uE001';
const PLACEHOLDER_RE = /[\uE000\uE001]/g;

/** Slack's broadcast words; written bare they may still be parsed as mentions in non-verbatim text. */
const BROADCAST_RE = /@(channel|here|everyone)\b/gi;
const ZERO_WIDTH_SPACE = '\u200B';

/**
 * Escapes `&`, `<`, `>` (so no `<!channel>`, `<@U…>` or link can be injected) and breaks bare
 * `@channel`/`@here`/`@everyone` with a zero-width space.
 */
export function escapeSlack(text: string): string {
  return text.replace(/[&<>]/g, (c) => ENTITY[c]!).replace(BROADCAST_RE, `@${ZERO_WIDTH_SPACE}$1`);
}

/** Text for a `plain_text` object: Slack shows it literally, so only broadcasts need neutralising. */
export function plainText(text: string): string {
  return text.replace(BROADCAST_RE, `@${ZERO_WIDTH_SPACE}$1`);
}

/** True for absolute http(s) URLs, the only ones we link or show as images. */
export function isWebUrl(url: string | null | undefined): url is string {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/** The URL normalised by WHATWG rules (spaces, `<`, `>` percent-encoded). Only for {@link isWebUrl} URLs. */
export function webUrl(url: string): string {
  return new URL(url).href;
}

/** A `<url|label>` link, or just the escaped label when the URL is not a web URL. */
export function link(url: string | null | undefined, label: string): string {
  const safeLabel = escapeSlack(label).replace(/\|/g, '¦');
  if (!isWebUrl(url)) return safeLabel;
  const safeUrl = escapeSlack(webUrl(url)).replace(/\|/g, '%7C');
  return `<${safeUrl}|${safeLabel}>`;
}

/**
 * A single-user mention exactly as the core writes it (`<@U123ABC>`, e.g. movie-night members). The core
 * strips mentions from any user text it echoes, so these are its own; broadcasts (`<!here>`), user
 * groups and channel links are never let through.
 */
const USER_MENTION_RE = /<@([UW][A-Z0-9]{2,30})>/g;

/** `[label](url)` where the URL may contain one level of balanced parentheses and no whitespace. */
const LIGHT_LINK_RE = /\[([^\]\n]+)\]\(((?:[^()\s]|\([^()\s]*\))+)\)/g;

/** Converts the core's light markdown to Slack mrkdwn, escaping everything that is not markup. */
export function toMrkdwn(light: string): string {
  const links: string[] = [];
  const keep = (markup: string) => {
    links.push(markup);
    return `${PLACEHOLDER_OPEN}${links.length - 1}${PLACEHOLDER_CLOSE}`;
  };
  let text = light.replace(PLACEHOLDER_RE, '');
  // A URL may hold balanced parentheses (Wikipedia-style `Heat_(1995_film)`); the link ends at the `)`
  // that closes the opening `(`, not at the first `)` inside the URL.
  text = text.replace(LIGHT_LINK_RE, (_m, label: string, url: string) => keep(link(url, label)));
  text = text.replace(USER_MENTION_RE, (_m, id: string) => keep(`<@${id}>`));
  text = escapeSlack(text);
  text = text
    .split('\n')
    .map((line) => line.replace(/^#{1,6}\s+(.+)$/, '**$1**').replace(/^(\s*)[-*]\s+/, '$1• '))
    .join('\n');
  text = text
    .replace(/(^|[^*])\*(?!\*)([^*\n]+?)\*(?!\*)/g, '$1_$2_')
    .replace(/\*\*([^*\n]+?)\*\*/g, '*$1*')
    .replace(/__([^_\n]+?)__/g, '*$1*')
    .replace(/~~([^~\n]+?)~~/g, '~$1~');
  return text.replace(
    new RegExp(`${PLACEHOLDER_OPEN}(\\d+)${PLACEHOLDER_CLOSE}`, 'g'),
    (_m, i: string) => links[Number(i)] ?? '',
  );
}

/** Cuts `text` to at most `max` UTF-16 units without splitting a surrogate pair, ending with `…`. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * Truncates mrkdwn without leaving half an entity (`&am`) or an unclosed `<url|label` behind. Every
 * `<` in our mrkdwn is markup (user text is escaped), so an unclosed one can simply be dropped.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = truncate(text, max).slice(0, -1);
  cut = cut.replace(/&[a-z]{0,3}$/, '');
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  return `${cut}…`;
}

/**
 * Slack's date token (api.slack.com "Formatting text for app surfaces" → "Date formatting"): each reader
 * sees `unix` in their own time zone and locale; clients that cannot render it show `fallback`.
 */
export function slackDate(unixSeconds: number, fallback: string): string {
  const safe = escapeSlack(fallback).replace(/[|]/g, '¦');
  return `<!date^${Math.floor(unixSeconds)}^{date_short_pretty} {time}|${safe}>`;
}

/**
 * Replaces the core's `HH:MM UTC` rendering of `when` (a poll's closing time) in mrkdwn with a
 * {@link slackDate} token, so each reader sees their local time. Text that does not show that time is
 * returned unchanged.
 */
export function withLocalTime(mrkdwn: string, when: Date): string {
  if (Number.isNaN(when.getTime())) return mrkdwn;
  const hhmm = when.toISOString().slice(11, 16);
  const utc = `${hhmm} UTC`;
  if (!mrkdwn.includes(utc)) return mrkdwn;
  return mrkdwn.split(utc).join(slackDate(when.getTime() / 1000, utc));
}
