import { styleText } from 'node:util';
import type { MovieCard, Reply } from '../../src/bot/types.ts';

type Style = Parameters<typeof styleText>[0];

/** Colours through node:util's styleText, or plain text when the output is not a terminal. */
export function painter(color: boolean) {
  return (style: Style, text: string) => (color ? styleText(style, text) : text);
}

/** Light markdown (`**bold**`, `_italic_`, `` `code` ``) for a terminal. */
export function renderMarkdown(text: string, paint: ReturnType<typeof painter>): string {
  return text
    .replace(/\*\*(.+?)\*\*/g, (_, s: string) => paint('bold', s))
    .replace(/(^|\s)_(.+?)_(?=\s|$|[.,;:!?])/g, (_, pre: string, s: string) => pre + paint('italic', s))
    .replace(/`([^`]+)`/g, (_, s: string) => paint('cyan', s));
}

function stars(n: number): string {
  return `${'★'.repeat(Math.floor(n))}${n % 1 >= 0.5 ? '½' : ''}`;
}

/** The number a card is shown with: its place in the whole list (`#6` on page 2), else its place here. */
export function cardNumber(card: MovieCard, fallback: number): number {
  return card.rank ?? fallback;
}

/** Whose prediction a card shows, in a few words ("for you", "for Ana", "group", "average"). */
function predictionLabel(card: MovieCard): string {
  const p = card.predictionFor;
  if (!p) return 'for you';
  if (p.kind === 'person') return `for ${p.name}`;
  return p.kind === 'group' ? 'group prediction' : 'average';
}

/** One card as two or three lines: number, title, year, genres, stars; then the reason and people. */
export function renderCard(card: MovieCard, n: number, paint: ReturnType<typeof painter>): string {
  const head = [
    paint('dim', `${String(n).padStart(2)}.`),
    paint(['bold', 'yellow'], card.title),
    card.year ? paint('dim', `(${card.year})`) : '',
    card.genres.length ? paint('gray', `· ${card.genres.join(', ')}`) : '',
    card.userRating !== null
      ? paint('green', `· ${card.ratingBy ?? 'you'}: ${stars(card.userRating)} ${card.userRating}`)
      : '',
    card.predictedStars !== null && card.userRating === null
      ? paint('magenta', `· ${predictionLabel(card)} ≈ ${card.predictedStars.toFixed(1)}★`)
      : '',
  ]
    .filter(Boolean)
    .join(' ');
  const lines = [head];
  const label = card.label ? `${paint('cyan', `[${card.label}]`)} ` : '';
  lines.push(`    ${label}${paint('italic', card.reason)}`);
  const people = [
    card.directors.length ? `dir. ${card.directors.join(', ')}` : '',
    card.cast.length ? `with ${card.cast.slice(0, 3).join(', ')}` : '',
    card.runtime ? `${card.runtime} min` : '',
  ].filter(Boolean);
  if (people.length) lines.push(`    ${paint('dim', people.join(' · '))}`);
  return lines.join('\n');
}

/**
 * A reply as terminal text. `firstNumber` numbers cards continuously across the replies to one input,
 * so `:5 2` always means the second card shown.
 */
export function renderReply(
  reply: Reply,
  firstNumber: number,
  paint: ReturnType<typeof painter>,
  /** `ask` prints once and exits: hints name commands to run, not shortcuts to type at a prompt. */
  mode: 'chat' | 'one-shot' = 'chat',
): string {
  if (mode === 'one-shot') {
    const oneShot: Reply = { ...reply, actions: [], rateByReaction: false };
    const text = renderReply(oneShot, firstNumber, paint);
    const first = reply.cards?.[0];
    return first && reply.cards!.length >= 1
      ? `${text}\n${paint('dim', `rate one: movierec ask "/rate ${first.title} 5"`)}`
      : text;
  }
  const parts: string[] = [];
  if (reply.editMessage) parts.push(paint('dim', '(updated)'));
  if (reply.text) parts.push(renderMarkdown(reply.text, paint));
  (reply.cards ?? []).forEach((card, i) => {
    parts.push(renderCard(card, cardNumber(card, firstNumber + i), paint));
  });
  if (reply.rateByReaction && reply.cards?.length === 1) {
    parts.push(
      paint(
        'dim',
        `    rate: :5 ${firstNumber} … :1 ${firstNumber}  ·  :watch ${firstNumber}  ·  :no ${firstNumber}`,
      ),
    );
  }
  if (reply.actions?.length) {
    parts.push(
      paint(
        'dim',
        `buttons: ${reply.actions
          .filter((a) => !a.disabled)
          .map((a, i) => `!${i + 1} ${a.label}`)
          .join(
            '  ',
          )}${reply.actions.some((a) => a.label === 'More') ? '  (or type more)' : ''}${reply.cards && reply.cards.length > 1 ? `  · on a result: :5 ${cardNumber(reply.cards[0]!, firstNumber)} rates it, :seen / :watch / :no ${cardNumber(reply.cards[0]!, firstNumber)}` : ''}`,
      ),
    );
  }
  if (reply.image) parts.push(paint('dim', `[image: ${reply.image.alt}]`));
  return parts.join('\n');
}
