import { eq } from 'drizzle-orm';
import { recommendationLog } from '../schema.ts';
import type { Executor } from './executor.ts';

/** Records the movies just shown to a user as recommendations. */
export async function logRecommendations(
  db: Executor,
  userId: number,
  model: string,
  shown: { movieId: number; score: number | null }[],
): Promise<void> {
  if (shown.length === 0) return;
  await db
    .insert(recommendationLog)
    .values(shown.map((s) => ({ userId, movieId: s.movieId, model, score: s.score })));
}

/** Movie ids shown to a user, oldest first. */
export async function listLoggedRecommendations(db: Executor, userId: number): Promise<number[]> {
  const rows = await db
    .select({ movieId: recommendationLog.movieId })
    .from(recommendationLog)
    .where(eq(recommendationLog.userId, userId))
    .orderBy(recommendationLog.id);
  return rows.map((r) => r.movieId);
}
