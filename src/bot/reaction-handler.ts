import type { Database } from '../db/client.ts';
import { getCard } from '../db/store/cards.ts';
import { claimEvent, eventKey } from '../db/store/events.ts';
import { inTransaction } from '../db/store/executor.ts';
import { addMark, removeMark } from '../db/store/marks.ts';
import { addRatingReaction, removeRatingReaction } from '../db/store/reactions.ts';
import type { UserRow } from '../db/store/users.ts';
import type { CatalogView } from './catalog-view.ts';
import { reactionMeaning } from './emoji.ts';
import { titleWithYear } from './render.ts';
import { formatStars } from './text.ts';
import type { ReactionEvent, Reply } from './types.ts';

/**
 * Applies a reaction on a single-movie card. The delivery claim and the rating change share one
 * transaction: a retried or concurrent duplicate delivery changes nothing, and a failure leaves the
 * delivery unclaimed so the platform's retry can succeed.
 */
export async function handleReaction(
  db: Database,
  view: CatalogView,
  user: UserRow,
  event: ReactionEvent,
  tenant: string,
): Promise<Reply[]> {
  const meaning = reactionMeaning(event.emoji);
  if (meaning.kind === 'none') return [];
  return inTransaction(db, async (tx) => {
    if (!(await claimEvent(tx, eventKey(user.externalId, event.id), tenant))) return [];
    const card = await getCard(tx, event.messageKey);
    if (card?.movieIds.length !== 1) return [];
    const movie = view.movie(card.movieIds[0]!);
    if (!movie) return [];
    const name = `**${titleWithYear(movie)}**`;
    if (meaning.kind === 'watchlist' || meaning.kind === 'not-interested') {
      const kind = meaning.kind === 'watchlist' ? 'watchlist' : 'not_interested';
      const changed = event.added
        ? await addMark(tx, user.id, movie.id, kind)
        : await removeMark(tx, user.id, movie.id, kind);
      if (!changed) return [];
      const what = kind === 'watchlist' ? 'your watchlist' : 'your not-interested list';
      return [
        {
          text: `${event.added ? 'Added' : 'Removed'} ${name} ${event.added ? 'to' : 'from'} ${what}.`,
          ephemeral: true,
        },
      ];
    }
    const emoji = meaning.emoji;
    if (event.added) {
      const stars = meaning.kind === 'stars' ? meaning.stars : 1;
      const r = await addRatingReaction(tx, {
        userId: user.id,
        messageKey: event.messageKey,
        emoji,
        movieId: movie.id,
        stars,
      });
      if (!r.applied || r.rating === null) return [];
      return [
        {
          text: `Rated ${name} ${formatStars(r.rating)}.`,
          ephemeral: true,
          data: { movieId: movie.id, rating: r.rating },
        },
      ];
    }
    const r = await removeRatingReaction(tx, { userId: user.id, messageKey: event.messageKey, emoji });
    if (!r.applied) return [];
    return [
      {
        text:
          r.rating === null
            ? `Removed your rating of ${name}.`
            : `Your rating of ${name} is ${formatStars(r.rating)} again.`,
        ephemeral: true,
        data: { movieId: movie.id, rating: r.rating },
      },
    ];
  });
}
