import type { APIEmbed } from 'discord.js';
import type { Action, MovieCard, Reply } from '../../src/bot/types.ts';
import {
  ACTION_ROWS_MAX,
  EMBED_TOTAL_CHARS_MAX,
  EMBEDS_PER_MESSAGE_MAX,
  EPHEMERAL_FLAG,
  MESSAGE_CONTENT_MAX,
} from './limits.ts';
import { cardTitle, renderCardEmbed } from './render-card.ts';
import { type ActionRow, menuRow, nativeRows, packedMenuRows, uniqueActions } from './render-components.ts';
import { isBlank, splitText, truncate } from './text.ts';

/** Reactions the bot adds under a single-movie card, so members rate by tapping (see REACTION_STARS). */
export const RATING_REACTIONS = ['1️⃣', '2️⃣', '3️⃣', '4️⃣', '5️⃣', '🔖', '🚫'] as const;
const REACTION_HINT = 'React 1️⃣–5️⃣ to rate · 🔖 watchlist · 🚫 not interested';
/** A help text longer than this many messages is cut, not spread over the whole channel. */
const TEXT_MESSAGES_MAX = 4;
/** Message-level actions may take this many rows natively; more are folded into one menu. */
const MESSAGE_ACTION_ROWS_MAX = 2;
const MESSAGE_MENU_INDEX = 99;
const ATTACHMENT_DESCRIPTION_MAX = 1024;

/** A message body in Discord's REST shape (snake_case), ready for channel messages or webhooks. */
export interface DiscordMessagePayload {
  content?: string;
  embeds: APIEmbed[];
  components: ActionRow[];
  allowed_mentions: { parse: [] };
  flags?: number;
  files?: { name: string; data: Uint8Array; description?: string }[];
}

/** One Discord message of a rendered reply. */
export interface RenderedPart {
  payload: DiscordMessagePayload;
  /** The slice of the reply this message shows (what the core is told was posted). */
  reply: Reply;
  ephemeral: boolean;
  /** Emoji the bot adds under the message after posting. */
  reactions: string[];
}

function messageRows(actions: readonly Action[]): ActionRow[] {
  const rows = nativeRows(actions);
  if (rows.length <= MESSAGE_ACTION_ROWS_MAX) return rows;
  const menu = menuRow(actions, 'More options…', MESSAGE_MENU_INDEX);
  return menu ? [menu] : [];
}

function menuPlaceholder(card: MovieCard): string {
  const rank = card.rank != null ? `#${card.rank} ` : '';
  return `${rank}${cardTitle(card, 100)}: rate or mark…`;
}

interface Draft {
  text: string;
  cards: MovieCard[];
  embeds: APIEmbed[];
  rows: ActionRow[];
  reactions: string[];
}

function singleCardDraft(card: MovieCard, actions: readonly Action[], rateByReaction: boolean): Draft {
  const msgRows = messageRows(actions);
  let cardRows = nativeRows(
    uniqueActions(card.actions, new Set(actions.map((a) => (a.options ? 's:' : 'b:') + a.id))),
  );
  if (cardRows.length + msgRows.length > ACTION_ROWS_MAX) {
    const menu = menuRow(card.actions, menuPlaceholder(card), 0);
    cardRows = menu ? [menu] : [];
  }
  const embed = renderCardEmbed(card, { hint: rateByReaction ? REACTION_HINT : undefined });
  return {
    text: '',
    cards: [card],
    embeds: [embed],
    rows: [...cardRows, ...msgRows].slice(0, ACTION_ROWS_MAX),
    reactions: rateByReaction ? [...RATING_REACTIONS] : [],
  };
}

/** "#6 Heat (1995)": the card's own rank (numbering carries across pages), else its position. */
function cardPrefix(card: MovieCard, position: number): string {
  return `#${card.rank ?? position + 1} ${cardTitle(card, 60)}`;
}

/**
 * A list page as ONE message: up to 10 embeds, the message-level actions, and the cards' actions packed
 * into the action rows left (at most 5 in all). Cards past 10 are left out and said so, rather than
 * spreading the page over several messages.
 */
function listDraft(cards: readonly MovieCard[], actions: readonly Action[]): Draft {
  const shown = cards.slice(0, EMBEDS_PER_MESSAGE_MAX);
  const msgRows = messageRows(actions);
  const budget = Math.floor(EMBED_TOTAL_CHARS_MAX / shown.length);
  const cardRows = packedMenuRows(
    shown.map((card, i) => ({ prefix: cardPrefix(card, i), actions: card.actions })),
    ACTION_ROWS_MAX - msgRows.length,
    0,
  );
  return {
    text: '',
    cards: shown,
    embeds: shown.map((c) => renderCardEmbed(c, { budget })),
    rows: [...cardRows, ...msgRows],
    reactions: [],
  };
}

/**
 * Renders a core {@link Reply} as one or more Discord messages, each within every Discord limit whatever
 * the data: long text becomes several messages, a single card gets the full buttons + star select (and
 * rating reactions when `rateByReaction`), and a list page is always one message whose menus name the
 * movie of every choice ("#6 Heat: Seen it"). Mentions are never parsed.
 */
export function renderReply(reply: Reply): RenderedPart[] {
  const ephemeral = reply.ephemeral === true;
  const cards = reply.cards ?? [];
  const actions = uniqueActions(reply.actions ?? [], new Set());
  const texts = isBlank(reply.text) ? [] : splitText(reply.text, MESSAGE_CONTENT_MAX);
  if (texts.length > TEXT_MESSAGES_MAX) {
    texts.length = TEXT_MESSAGES_MAX;
    texts[TEXT_MESSAGES_MAX - 1] = truncate(texts[TEXT_MESSAGES_MAX - 1]!, MESSAGE_CONTENT_MAX);
  }
  let drafts: Draft[];
  if (cards.length === 1) {
    drafts = [singleCardDraft(cards[0]!, actions, reply.rateByReaction === true && !ephemeral)];
  } else if (cards.length > 1) {
    drafts = [listDraft(cards, actions)];
    // The page is one message: its text goes with it, shortened to fit, never ahead of it.
    if (texts.length > 1) texts.splice(0, texts.length, truncate(reply.text, MESSAGE_CONTENT_MAX));
    const left = cards.length - drafts[0]!.cards.length;
    if (left > 0)
      texts.splice(0, 1, truncate(`${texts[0] ?? ''}\n(${left} more not shown)`.trim(), MESSAGE_CONTENT_MAX));
  } else {
    drafts = [{ text: '', cards: [], embeds: [], rows: messageRows(actions), reactions: [] }];
  }
  // Text leads: all but the last chunk stand alone, the last one heads the first card message.
  const lead = texts
    .slice(0, -1)
    .map((text): Draft => ({ text, cards: [], embeds: [], rows: [], reactions: [] }));
  drafts[0]!.text = texts.at(-1) ?? '';
  drafts = [...lead, ...drafts];
  if (drafts.every((d) => d.text === '' && d.embeds.length === 0 && d.rows.length === 0) && !reply.image) {
    drafts = [{ ...drafts[0]!, text: '…' }];
  }

  return drafts.map((d, i) => {
    const payload: DiscordMessagePayload = {
      embeds: d.embeds,
      components: d.rows,
      allowed_mentions: { parse: [] },
    };
    if (d.text !== '') payload.content = d.text;
    if (ephemeral) payload.flags = EPHEMERAL_FLAG;
    if (i === 0 && reply.image) {
      payload.files = [
        {
          name: reply.image.name,
          data: reply.image.png,
          description: truncate(reply.image.alt, ATTACHMENT_DESCRIPTION_MAX),
        },
      ];
    }
    const isLast = i === drafts.length - 1;
    const part: Reply = { ...reply, text: d.text, cards: d.cards, actions: isLast ? actions : [] };
    if (i !== 0) delete part.image;
    return { payload, reply: part, ephemeral, reactions: d.reactions };
  });
}
