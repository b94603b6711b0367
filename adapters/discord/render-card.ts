import type { APIEmbed, APIEmbedField } from 'discord.js';
import type { MovieCard } from '../../src/bot/types.ts';
import {
  EMBED_AUTHOR_MAX,
  EMBED_DESCRIPTION_MAX,
  EMBED_FIELD_NAME_MAX,
  EMBED_FIELD_VALUE_MAX,
  EMBED_FIELDS_MAX,
  EMBED_FOOTER_MAX,
  EMBED_TITLE_MAX,
  EMBED_TOTAL_CHARS_MAX,
  EMBED_URL_MAX,
} from './limits.ts';
import { formatStars, isBlank, safeUrl, truncate } from './text.ts';

/** The movierec accent colour on embeds. */
export const EMBED_COLOR = 0xe5a00d;
const CAST_SHOWN = 5;
const PROVIDERS_SHOWN = 8;
/** Below this, a shortened description says too little to be worth keeping. */
const MIN_USEFUL_TEXT = 40;

/** Characters of an embed that count towards Discord's 6000-per-message total. */
export function embedLength(embed: APIEmbed): number {
  let n = (embed.title?.length ?? 0) + (embed.description?.length ?? 0);
  n += (embed.footer?.text.length ?? 0) + (embed.author?.name.length ?? 0);
  for (const f of embed.fields ?? []) n += f.name.length + f.value.length;
  return n;
}

function field(name: string, values: readonly (string | null | undefined)[], inline: boolean) {
  const text = values.filter((v): v is string => !isBlank(v)).join(', ');
  return isBlank(text)
    ? undefined
    : { name: truncate(name, EMBED_FIELD_NAME_MAX), value: truncate(text, EMBED_FIELD_VALUE_MAX), inline };
}

function formatRuntime(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = Math.round(minutes % 60);
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** "Title (1999)", the year kept whole when the title has to be shortened. */
export function cardTitle(card: Pick<MovieCard, 'title' | 'year'>, max = EMBED_TITLE_MAX): string {
  const suffix = card.year ? ` (${card.year})` : '';
  const title = isBlank(card.title) ? 'Untitled' : card.title;
  return truncate(title, Math.max(1, max - suffix.length)) + suffix;
}

/**
 * Whose number the predicted stars are, so a public card never passes one person's prediction off as
 * everyone's: "Predicted for Ana", "Group prediction", "Average rating"; a private card's is the asker's.
 */
export function predictionLabel(card: Pick<MovieCard, 'predictionFor'>): string {
  const whose = card.predictionFor;
  if (!whose) return 'Predicted for you';
  if (whose.kind === 'person') return truncate(`Predicted for ${whose.name}`, EMBED_FIELD_NAME_MAX);
  return whose.kind === 'group' ? 'Group prediction' : 'Average rating';
}

/** "Ana rated" on public cards; "Your rating" when the card is the asker's own. */
export function ratingLabel(card: Pick<MovieCard, 'ratingBy'>): string {
  return isBlank(card.ratingBy)
    ? 'Your rating'
    : truncate(`${card.ratingBy!.trim()} rated`, EMBED_FIELD_NAME_MAX);
}

/** Fields in the order they are dropped last-to-first when the message runs out of room. */
function cardFields(card: MovieCard): APIEmbedField[] {
  const fields: (APIEmbedField | undefined)[] = [
    card.predictedStars != null
      ? field(predictionLabel(card), [`≈ ${formatStars(card.predictedStars)}`], true)
      : undefined,
    card.userRating != null ? field(ratingLabel(card), [formatStars(card.userRating)], true) : undefined,
    field('Genres', card.genres, true),
    field(card.directors.length > 1 ? 'Directors' : 'Director', card.directors, true),
    field('Cast', card.cast.slice(0, CAST_SHOWN), false),
    card.runtime != null && card.runtime > 0
      ? field('Runtime', [formatRuntime(card.runtime)], true)
      : undefined,
    field('Where to watch', (card.providers ?? []).slice(0, PROVIDERS_SHOWN), false),
  ];
  const trailer = safeUrl(card.trailerUrl, EMBED_URL_MAX);
  if (trailer) fields.push({ name: 'Trailer', value: `[Watch the trailer](${trailer})`, inline: true });
  return fields.filter((f): f is APIEmbedField => f !== undefined).slice(0, EMBED_FIELDS_MAX);
}

export interface CardEmbedOptions {
  /** Most characters this embed may use towards the message's 6000 total. */
  budget?: number;
  /** Footer hint, e.g. how to rate by reacting. */
  hint?: string;
}

/**
 * One movie as a Discord embed: linked "Title (year)", poster thumbnail, reason and overview, fields for
 * genres, people, predicted and own stars. Always within every per-embed limit and within `budget`,
 * shedding the least important parts first.
 */
export function renderCardEmbed(card: MovieCard, options: CardEmbedOptions = {}): APIEmbed {
  const budget = Math.min(options.budget ?? EMBED_TOTAL_CHARS_MAX, EMBED_TOTAL_CHARS_MAX);
  const reason = isBlank(card.reason) ? '' : card.reason.trim();
  const overview = isBlank(card.overview) ? '' : card.overview!.trim();
  const embed: APIEmbed = { title: cardTitle(card), color: EMBED_COLOR };
  const url = safeUrl(card.url, EMBED_URL_MAX);
  if (url) embed.url = url;
  const poster = safeUrl(card.posterUrl, EMBED_URL_MAX);
  if (poster) embed.thumbnail = { url: poster };
  if (!isBlank(card.label)) embed.author = { name: truncate(card.label!, EMBED_AUTHOR_MAX) };
  const footer = [card.rank != null ? `#${card.rank}` : '', options.hint ?? ''].filter((s) => s !== '');
  if (footer.length > 0) embed.footer = { text: truncate(footer.join(' · '), EMBED_FOOTER_MAX) };
  const fields = cardFields(card);
  if (fields.length > 0) embed.fields = fields;
  const setDescription = (text: string) => {
    if (isBlank(text)) delete embed.description;
    else embed.description = text;
  };
  setDescription(truncate([reason, overview].filter((s) => s !== '').join('\n\n'), EMBED_DESCRIPTION_MAX));

  // Shed parts until the embed fits its share of the message; each step keeps the card readable.
  const overflow = () => embedLength(embed) - budget;
  const shrinkDescription = (keepAtLeast: number) => {
    const current = embed.description ?? '';
    const allowed = current.length - overflow();
    if (allowed >= keepAtLeast) setDescription(truncate(current, allowed));
  };
  const steps: (() => void)[] = [
    () => shrinkDescription(reason.length + MIN_USEFUL_TEXT),
    () => setDescription(truncate(reason, EMBED_DESCRIPTION_MAX)),
    () => shrinkDescription(MIN_USEFUL_TEXT),
    ...[...fields.keys()].reverse().map((i) => () => {
      if (i >= 2) embed.fields = embed.fields?.filter((f) => f !== fields[i]);
    }),
    () => shrinkDescription(0),
    () => delete embed.footer,
    () => delete embed.author,
    () => {
      embed.fields = undefined;
      delete embed.fields;
    },
    () => delete embed.description,
    () => {
      embed.title = cardTitle(card, Math.max(1, (embed.title?.length ?? 0) - overflow()));
    },
  ];
  for (const step of steps) {
    if (overflow() <= 0) break;
    step();
  }
  if (embed.fields?.length === 0) delete embed.fields;
  return embed;
}
