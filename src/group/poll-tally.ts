/** Counting a movie-night poll: pure, so the rules are tested without a database. */

export interface PollVote {
  userId: number;
  movieId: number;
}

export interface PollTally {
  /** Votes per movie, in the poll's order. */
  counts: { movieId: number; votes: number }[];
  /** The winning movie: most votes; a tie goes to the pick ranked higher by the group strategy. */
  winner: number;
  /** No one voted, so the group's top pick wins by default. */
  byDefault: boolean;
  /** Every movie sharing the most votes, in poll order, when more than one did (the winner is the first). */
  tied: number[];
}

/**
 * Tallies votes for a poll whose picks are `movieIds` (best group pick first). One vote per user is
 * the store's job; votes for movies not on the poll are ignored.
 */
export function tallyPoll(movieIds: readonly number[], votes: readonly PollVote[]): PollTally {
  if (movieIds.length === 0) throw new Error('a poll needs at least one movie');
  const counts = movieIds.map((movieId) => ({
    movieId,
    votes: votes.filter((v) => v.movieId === movieId).length,
  }));
  let best = counts[0]!;
  for (const c of counts) if (c.votes > best.votes) best = c;
  const top = best.votes > 0 ? counts.filter((c) => c.votes === best.votes) : [];
  return {
    counts,
    winner: best.movieId,
    byDefault: best.votes === 0,
    tied: top.length > 1 ? top.map((c) => c.movieId) : [],
  };
}

/** True when every member has voted (members who left the tenant are not waited for by the caller). */
export function allMembersVoted(memberIds: readonly number[], votes: readonly PollVote[]): boolean {
  const voters = new Set(votes.map((v) => v.userId));
  return memberIds.length > 0 && memberIds.every((id) => voters.has(id));
}
