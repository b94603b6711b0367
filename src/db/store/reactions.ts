import { and, asc, eq } from 'drizzle-orm';
import { reactionRatings } from '../schema.ts';
import type { Executor } from './executor.ts';
import { deleteRating, getRating, upsertRating } from './ratings.ts';

type ReactionRow = typeof reactionRatings.$inferSelect;

/** Star-family emoji (canonical forms): the number of them a user has on a card is the rating. */
export const STAR_COUNT_EMOJI: readonly string[] = ['⭐', '🌟', '✨', '💫', '🌠'];

export function isStarCountEmoji(canonicalEmoji: string): boolean {
  return STAR_COUNT_EMOJI.includes(canonicalEmoji);
}

/**
 * The rating a set of reactions stands for: the newest one wins; when it is a star-family emoji the
 * rating is how many star-family reactions there are. Null for no reactions.
 */
function effectiveRating(rows: ReactionRow[]): number | null {
  const last = rows.at(-1);
  if (!last) return null;
  if (isStarCountEmoji(last.emoji)) return Math.min(5, rows.filter((r) => isStarCountEmoji(r.emoji)).length);
  return last.rating;
}

async function reactionsOn(db: Executor, userId: number, messageKey: string): Promise<ReactionRow[]> {
  return db
    .select()
    .from(reactionRatings)
    .where(and(eq(reactionRatings.userId, userId), eq(reactionRatings.messageKey, messageKey)))
    .orderBy(asc(reactionRatings.createdAt), asc(reactionRatings.emoji));
}

/**
 * Applies a rating reaction (call inside a transaction). The reaction row's primary key makes a second
 * delivery of the same reaction a no-op; `applied` is false then.
 */
export async function addRatingReaction(
  tx: Executor,
  r: { userId: number; messageKey: string; emoji: string; movieId: number; stars: number },
): Promise<{ applied: boolean; rating: number | null }> {
  const previous = await getRating(tx, r.userId, r.movieId);
  const inserted = await tx
    .insert(reactionRatings)
    .values({
      userId: r.userId,
      messageKey: r.messageKey,
      emoji: r.emoji,
      movieId: r.movieId,
      rating: r.stars,
      previousRating: previous,
    })
    .onConflictDoNothing()
    .returning();
  if (inserted.length === 0) return { applied: false, rating: previous };
  const rating = effectiveRating(await reactionsOn(tx, r.userId, r.messageKey)) ?? r.stars;
  await upsertRating(tx, r.userId, r.movieId, rating, 'reaction');
  return { applied: true, rating };
}

/**
 * Undoes a rating reaction (call inside a transaction): the rating goes back to what the remaining
 * reactions say, or to the rating from before the first reaction. When the user re-rated the movie some
 * other way since, that newer rating is left alone.
 */
export async function removeRatingReaction(
  tx: Executor,
  r: { userId: number; messageKey: string; emoji: string },
): Promise<{ applied: boolean; movieId: number | null; rating: number | null }> {
  const before = await reactionsOn(tx, r.userId, r.messageKey);
  const removed = before.find((row) => row.emoji === r.emoji);
  if (!removed) return { applied: false, movieId: null, rating: null };
  const deleted = await tx
    .delete(reactionRatings)
    .where(
      and(
        eq(reactionRatings.userId, r.userId),
        eq(reactionRatings.messageKey, r.messageKey),
        eq(reactionRatings.emoji, r.emoji),
      ),
    )
    .returning();
  if (deleted.length === 0) return { applied: false, movieId: null, rating: null };
  const remaining = before.filter((row) => row.emoji !== r.emoji);
  const first = remaining[0];
  if (removed === before[0] && first) {
    // The oldest reaction holds the rating from before any reaction; hand it on to the next oldest.
    await tx
      .update(reactionRatings)
      .set({ previousRating: removed.previousRating })
      .where(
        and(
          eq(reactionRatings.userId, r.userId),
          eq(reactionRatings.messageKey, r.messageKey),
          eq(reactionRatings.emoji, first.emoji),
        ),
      );
  }
  const current = await getRating(tx, r.userId, removed.movieId);
  if (current !== effectiveRating(before))
    return { applied: true, movieId: removed.movieId, rating: current };
  const next = effectiveRating(remaining) ?? before[0]!.previousRating;
  if (next === null) await deleteRating(tx, r.userId, removed.movieId);
  else await upsertRating(tx, r.userId, removed.movieId, next, 'reaction');
  return { applied: true, movieId: removed.movieId, rating: next };
}
