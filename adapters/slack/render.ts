/**
 * Pure rendering of the core's neutral replies into Slack Block Kit, kept inside Slack's limits
 * (see `limits.ts`) whatever the data: long texts are cut, surplus cards and actions dropped with a note.
 */
import type { types } from '@slack/bolt';
import type { Action, MovieCard, Reply } from '../../src/bot/types.ts';
import {
  ACTION_ID_MAX_SLACK,
  ACTIONS_ELEMENTS_MAX,
  BLOCK_ID_MAX,
  BUTTON_TEXT_MAX,
  FALLBACK_TEXT_MAX,
  HEADER_TEXT_MAX,
  HOME_BLOCKS_MAX,
  IMAGE_ALT_MAX,
  IMAGE_URL_MAX,
  MESSAGE_BLOCKS_MAX,
  OPTION_TEXT_MAX,
  OPTION_VALUE_MAX,
  PLACEHOLDER_TEXT_MAX,
  SECTION_TEXT_MAX,
  SELECT_OPTIONS_MAX,
} from './limits.ts';
import {
  escapeSlack,
  isWebUrl,
  link,
  plainText,
  toMrkdwn,
  truncate,
  truncateMrkdwn,
  webUrl,
  withLocalTime,
} from './mrkdwn.ts';

export type Block = types.KnownBlock;
type ActionElement = types.Button | types.StaticSelect;

/** What `chat.postMessage` / `respond` receive. */
export interface SlackMessage {
  /** Fallback for notifications and clients without Block Kit. */
  text: string;
  blocks: Block[];
}

/** Per-part caps that keep one card readable; the section limit is the hard backstop. */
const TITLE_MAX = 250;
const REASON_MAX = 500;
const OVERVIEW_MAX = 400;
const PEOPLE_SHOWN = 3;
const GENRES_SHOWN = 6;
const PROVIDERS_SHOWN = 5;
const NAME_MAX = 60;
const LABEL_MAX = 120;
/** Sections a long reply text may fill before the rest is dropped. */
const TEXT_SECTIONS_MAX = 3;
/** Prefix of block ids that carry a card's movie id, e.g. `card:603:0`. */
export const CARD_BLOCK_PREFIX = 'card:';

/** Who a rendered message is for, which decides how personal numbers are worded. */
export interface RenderOptions {
  /**
   * The message is seen by the channel, not only the asker: a card's prediction or rating is never
   * worded as "yours" unless the core said whose it is ({@link MovieCard.predictionFor}, `ratingBy`).
   */
  public?: boolean;
  /** The person whose slash command this public message answers, named in a context line. */
  askedBy?: { userId: string; command: string; text: string };
}

/** Characters of the asker's command text echoed in the "asked by" line. */
const ASKED_TEXT_MAX = 150;

/** Renders one reply as a message of at most {@link MESSAGE_BLOCKS_MAX} blocks. */
export function renderReply(reply: Reply, options: RenderOptions = {}): SlackMessage {
  const head: Block[] = options.askedBy ? [askedByBlock(options.askedBy)] : [];
  const blocks = renderBlocks(reply, MESSAGE_BLOCKS_MAX - head.length, 'm', options.public === true);
  return { text: fallbackText(reply), blocks: [...head, ...blocks] };
}

/** "Asked by @ana · /recommend 90s comedy": a public answer names who asked (Slack shows no echo). */
function askedByBlock(asked: NonNullable<RenderOptions['askedBy']>): Block {
  // Mention tokens as people read them (`@ben`, `#movies`), not `<@U0BEN|ben>` spelled out; no pings.
  const typed = asked.text
    .trim()
    .replace(/<([@#])[A-Z0-9]+\|([^>]+)>/g, '$1$2')
    .replace(/<@([A-Z0-9]+)>/g, '@$1');
  const said = truncate(`/${asked.command}${typed ? ` ${typed}` : ''}`, ASKED_TEXT_MAX);
  const user = /^[UW][A-Z0-9]{2,30}$/.test(asked.userId) ? `<@${asked.userId}>` : 'someone';
  return {
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `Asked by ${user} · ${escapeSlack(said)}`, verbatim: true }],
  };
}

/** One titled part of the App Home tab. */
export interface HomeSection {
  title: string;
  reply: Reply;
}

/** Renders the App Home tab: a header per section, each section's blocks, within {@link HOME_BLOCKS_MAX}. */
export function renderHomeView(sections: HomeSection[]): types.HomeView {
  const blocks: Block[] = [];
  sections.forEach((part, i) => {
    // A divider and a header with nothing under them are not worth showing.
    if (HOME_BLOCKS_MAX - blocks.length < 4) return;
    if (blocks.length > 0) blocks.push({ type: 'divider' });
    // An untitled part continues the section above it.
    if (part.title.trim()) {
      blocks.push({
        type: 'header',
        text: { type: 'plain_text', text: truncate(plainText(part.title), HEADER_TEXT_MAX) },
      });
    }
    blocks.push(...renderBlocks(part.reply, HOME_BLOCKS_MAX - blocks.length, `h${i}`));
  });
  return { type: 'home', blocks };
}

/**
 * The reply's blocks in at most `budget` blocks: its text, then the cards (section + actions, divider
 * between), then message-level actions. Cards that do not fit are counted in a closing note.
 */
export function renderBlocks(reply: Reply, budget: number, idPrefix: string, isPublic = false): Block[] {
  if (budget <= 0) return [];
  const closesAt = typeof reply.data?.closesAt === 'string' ? new Date(reply.data.closesAt) : undefined;
  const head = textBlocks(reply.text, closesAt);
  const tail = [...actionBlocks(reply.actions ?? [], `${idPrefix}:a`), ...disabledNote(reply.actions ?? [])];
  const cards = reply.cards ?? [];
  const blocks: Block[] = [...head];
  let shown = 0;
  for (const [i, card] of cards.entries()) {
    const cardBlocks = renderCard(card, `${idPrefix}:${i}`, isPublic);
    const divider = blocks.length > 0 ? 1 : 0;
    const remainingAfter = cards.length - i - 1;
    // Keep room for the message actions and, when cards are left over, the "N more" note.
    const reserve = tail.length + (remainingAfter > 0 ? 1 : 0);
    if (blocks.length + divider + cardBlocks.length + reserve > budget) break;
    if (divider) blocks.push({ type: 'divider' });
    blocks.push(...cardBlocks);
    shown++;
  }
  const hidden = cards.length - shown;
  if (hidden > 0 && blocks.length + tail.length < budget) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `…and ${hidden} more not shown here.`, verbatim: true }],
    });
  }
  for (const block of tail) if (blocks.length < budget) blocks.push(block);
  // With a tiny budget even the text may not fit; never exceed it.
  return blocks.slice(0, budget);
}

/** The reply text as sections of at most {@link SECTION_TEXT_MAX} characters, split at line breaks. */
function textBlocks(text: string, closesAt?: Date): Block[] {
  const parts: string[] = [];
  let current = '';
  const mrkdwn = closesAt ? withLocalTime(toMrkdwn(text), closesAt) : toMrkdwn(text);
  for (const line of mrkdwn.split('\n')) {
    const piece = truncateMrkdwn(line, SECTION_TEXT_MAX);
    if (current && current.length + 1 + piece.length > SECTION_TEXT_MAX) {
      parts.push(current);
      current = piece;
    } else current = current ? `${current}\n${piece}` : piece;
  }
  parts.push(current);
  return parts
    .filter((p) => p.trim())
    .slice(0, TEXT_SECTIONS_MAX)
    .map((p) => section(p));
}

function section(text: string, accessory?: types.ImageElement): types.SectionBlock {
  const block: types.SectionBlock = { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } };
  if (accessory) block.accessory = accessory;
  return block;
}

/** A card: one section (poster accessory) and, when it has any, its actions. */
export function renderCard(card: MovieCard, blockKey: string, isPublic = false): Block[] {
  const poster: types.ImageElement | undefined =
    isWebUrl(card.posterUrl) && webUrl(card.posterUrl).length <= IMAGE_URL_MAX
      ? {
          type: 'image',
          image_url: webUrl(card.posterUrl),
          alt_text: truncate(nonEmpty(plainText(`Poster of ${card.title}`)), IMAGE_ALT_MAX),
        }
      : undefined;
  const main = section(truncateMrkdwn(cardText(card, isPublic), SECTION_TEXT_MAX), poster);
  main.block_id = blockId(`${CARD_BLOCK_PREFIX}${card.movieId}:${blockKey}`);
  const blocks: Block[] = [main];
  blocks.push(...actionBlocks(card.actions, `${blockKey}:c`, 1));
  return blocks;
}

/**
 * The mrkdwn body of a card: label, linked title (year), genres and runtime, director and top-billed
 * cast, whose rating or prediction it shows, reason, and the state of spent actions ("✓ On your
 * watchlist"). On a public card a number is only called "yours" when the core said whose it is.
 */
export function cardText(card: MovieCard, isPublic = false): string {
  const lines: string[] = [];
  if (card.label) lines.push(`_${escapeSlack(truncate(card.label, LABEL_MAX))}_`);
  const title = truncate(card.title, TITLE_MAX) + (card.year ? ` (${card.year})` : '');
  const rank = card.rank ? `${card.rank}. ` : '';
  lines.push(`${rank}*${link(card.url, title)}*`);
  const facts = [...card.genres.slice(0, GENRES_SHOWN).map((g) => truncate(g, NAME_MAX))];
  if (card.runtime) facts.push(formatRuntime(card.runtime));
  if (facts.length) lines.push(escapeSlack(facts.join(' · ')));
  const people: string[] = [];
  if (card.directors.length) people.push(`Directed by ${names(card.directors)}`);
  if (card.cast.length) people.push(`With ${names(card.cast)}`);
  if (people.length) lines.push(escapeSlack(people.join(' · ')));
  const rating = ratingLine(card, isPublic);
  if (rating) lines.push(rating);
  if (card.reason) lines.push(`_${escapeSlack(truncate(card.reason, REASON_MAX))}_`);
  if (card.overview) lines.push(`>${escapeSlack(truncate(card.overview, OVERVIEW_MAX)).replace(/\n/g, ' ')}`);
  const extras: string[] = [];
  if (card.providers?.length) {
    extras.push(`Watch on ${escapeSlack(card.providers.slice(0, PROVIDERS_SHOWN).map(short).join(', '))}`);
  }
  if (isWebUrl(card.trailerUrl)) extras.push(link(card.trailerUrl, 'Trailer'));
  if (extras.length) lines.push(extras.join(' · '));
  const state = card.actions.filter((a) => a.disabled && a.label.trim());
  if (state.length)
    lines.push(`_${escapeSlack(state.map((a) => truncate(a.label, LABEL_MAX)).join(' · '))}_`);
  return lines.join('\n');
}

/** "Ana rated ★★★★☆ 4", "Predicted for Ana", "Group prediction", "Average rating" — or "yours" in private. */
function ratingLine(card: MovieCard, isPublic: boolean): string | undefined {
  if (card.userRating != null) {
    const shown = `${stars(card.userRating)} ${card.userRating}`;
    if (card.ratingBy) return `${escapeSlack(truncate(card.ratingBy, NAME_MAX))} rated ${shown}`;
    return isPublic ? `Rated ${shown}` : `Your rating: ${shown}`;
  }
  if (card.predictedStars == null) return undefined;
  const shown = `${stars(card.predictedStars)} ${card.predictedStars.toFixed(1)}`;
  const whose = card.predictionFor;
  if (whose?.kind === 'person')
    return `Predicted for ${escapeSlack(truncate(whose.name, NAME_MAX))}: ${shown}`;
  if (whose?.kind === 'group') return `Group prediction: ${shown}`;
  if (whose?.kind === 'average') return `Average rating: ${shown}`;
  return isPublic ? `Predicted: ${shown}` : `Predicted for you: ${shown}`;
}

/**
 * Slack buttons cannot be disabled (Block Kit buttons have no such field), so spent ones are dropped
 * from the actions and their labels shown as text instead: a closed poll keeps its tally visible.
 */
function disabledNote(actions: Action[]): Block[] {
  const labels = actions.filter((a) => a.disabled && a.label.trim()).map((a) => truncate(a.label, LABEL_MAX));
  if (labels.length === 0) return [];
  return [
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: truncateMrkdwn(escapeSlack(labels.join(' · ')), SECTION_TEXT_MAX),
          verbatim: true,
        },
      ],
    },
  ];
}

/**
 * Actions as actions blocks of at most {@link ACTIONS_ELEMENTS_MAX} elements (at most `maxBlocks` of them).
 * Action ids the platform could not send back unchanged are dropped, as are duplicates.
 */
export function actionBlocks(actions: Action[], blockKey: string, maxBlocks = 2): Block[] {
  const seen = new Set<string>();
  const elements: ActionElement[] = [];
  for (const action of actions) {
    if (action.disabled) continue;
    if (!action.id || action.id.length > ACTION_ID_MAX_SLACK || seen.has(action.id)) continue;
    const element = renderAction(action);
    if (!element) continue;
    seen.add(action.id);
    elements.push(element);
  }
  const blocks: Block[] = [];
  for (let i = 0; i < elements.length && blocks.length < maxBlocks; i += ACTIONS_ELEMENTS_MAX) {
    blocks.push({
      type: 'actions',
      block_id: blockId(`${blockKey}:${blocks.length}`),
      elements: elements.slice(i, i + ACTIONS_ELEMENTS_MAX),
    });
  }
  return blocks;
}

function renderAction(action: Action): ActionElement | undefined {
  const label = truncate(nonEmpty(plainText(action.label)), BUTTON_TEXT_MAX);
  if (!action.options) {
    const button: types.Button = {
      type: 'button',
      action_id: action.id,
      text: { type: 'plain_text', text: label, emoji: true },
    };
    if (action.style === 'primary' || action.style === 'danger') button.style = action.style;
    return button;
  }
  const values = new Set<string>();
  const options: types.PlainTextOption[] = [];
  for (const option of action.options) {
    // A value Slack cannot carry, or a repeated one, would be refused or come back ambiguous.
    if (!option.value || option.value.length > OPTION_VALUE_MAX || values.has(option.value)) continue;
    values.add(option.value);
    options.push({
      text: {
        type: 'plain_text',
        text: truncate(nonEmpty(plainText(option.label)), OPTION_TEXT_MAX),
        emoji: true,
      },
      value: option.value,
    });
    if (options.length === SELECT_OPTIONS_MAX) break;
  }
  if (options.length === 0) return undefined;
  return {
    type: 'static_select',
    action_id: action.id,
    placeholder: { type: 'plain_text', text: truncate(label, PLACEHOLDER_TEXT_MAX), emoji: true },
    options,
  };
}

/** Fallback text for notifications: the reply text as mrkdwn and the titles shown, escaped and capped. */
export function fallbackText(reply: Reply): string {
  const titles = (reply.cards ?? []).map((c) => escapeSlack(c.year ? `${c.title} (${c.year})` : c.title));
  const text = [toMrkdwn(reply.text).trim(), titles.join(', ')].filter(Boolean).join('\n');
  return truncateMrkdwn(text || 'movierec', FALLBACK_TEXT_MAX);
}

function blockId(id: string): string {
  // Block ids only need to be unique within a message; cutting keeps the unique prefix and suffix.
  if (id.length <= BLOCK_ID_MAX) return id;
  const tail = Math.floor(BLOCK_ID_MAX / 4);
  return `${id.slice(0, BLOCK_ID_MAX - tail - 1)}~${id.slice(-tail)}`;
}

function names(list: string[]): string {
  const shown = list.slice(0, PEOPLE_SHOWN).map(short);
  return list.length > PEOPLE_SHOWN ? `${shown.join(', ')} …` : shown.join(', ');
}

function short(name: string): string {
  return truncate(name, NAME_MAX);
}

/** Stars drawn to the nearest half, like ratings (3.7 → ★★★½☆), never rounded to whole stars. */
export function stars(value: number): string {
  const halves = Math.round(Math.max(0, Math.min(5, value)) * 2);
  const full = Math.floor(halves / 2);
  const half = halves % 2 === 1;
  return `${'★'.repeat(full)}${half ? '½' : ''}${'☆'.repeat(5 - full - (half ? 1 : 0))}`;
}

function formatRuntime(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = Math.round(minutes % 60);
  return h > 0 ? `${h}h ${m}m` : `${m}m`;
}

function nonEmpty(text: string): string {
  return text.trim() ? text : '·';
}
