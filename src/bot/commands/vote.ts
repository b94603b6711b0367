import { inTransaction } from '../../db/store/executor.ts';
import { tenantKey } from '../../db/store/forget.ts';
import { addMark } from '../../db/store/marks.ts';
import {
  castVote,
  closePoll,
  getPoll,
  latestOpenPoll,
  listVotes,
  type PollRow,
} from '../../db/store/polls.ts';
import { UserError } from '../../errors.ts';
import { allMembersVoted, tallyPoll } from '../../group/poll-tally.ts';
import { type CommandContext, defineCommand } from '../context.ts';
import { displayTitle, movieCard, titleWithYear } from '../render.ts';
import type { Reply } from '../types.ts';

/** Why a poll closed, for the announcement. */
export type CloseReason = 'closed' | 'all-voted' | 'time-up';

export default defineCommand({
  name: 'vote',
  description: 'Vote in the open movie-night poll (voting again changes your vote)',
  usage: '<number>',
  options: [
    { name: 'number', description: 'The pick you vote for', type: 'integer', required: true, minValue: 1 },
  ],
  async run(ctx) {
    // Buttons send `<poll id> <number>`; people type `<number>` for the newest open poll here.
    const parts = ctx.text.split(/\s+/).filter(Boolean);
    const n = Number(parts.at(-1));
    const tenant = tenantKey(ctx.event.channel.platform, ctx.event.channel.tenant);
    // A user of another tenant finds no poll: votes stay inside the tenant the poll was started in.
    const poll =
      parts.length >= 2 && ctx.user.tenant === ctx.event.channel.tenant
        ? await getPoll(ctx.deps.db, parts[0]!, tenant)
        : parts.length === 1
          ? await latestOpenPoll(ctx.deps.db, tenant, ctx.event.channel.key, ctx.user.id)
          : undefined;
    if (!poll) {
      throw new UserError(
        'no-poll',
        parts.length >= 2
          ? "That poll isn't open to you."
          : 'There is no open movie-night poll here. Start one with `/movienight`.',
      );
    }
    if (poll.closed) return announcement(ctx, poll, 'closed', true);
    if (!(Number.isInteger(n) && n >= 1 && n <= poll.movieIds.length)) {
      throw new UserError(
        'bad-vote',
        `Vote with a number from 1 to ${poll.movieIds.length}, e.g. \`/vote 1\`.`,
      );
    }
    if (ctx.now >= poll.closesAt) {
      const replies = await closeAndAnnounce(ctx, poll, 'time-up');
      return [
        { text: 'Voting had already closed, so that vote came too late.', ephemeral: true },
        ...replies,
      ];
    }
    const movieId = poll.movieIds[n - 1]!;
    const { closed, previous } = await inTransaction(ctx.deps.db, (tx) =>
      castVote(tx, poll.id, ctx.user.id, movieId),
    );
    if (closed) return announcement(ctx, { ...poll, closed: true }, 'closed', true);
    const votes = await listVotes(ctx.deps.db, poll.id);
    const title = titleWithYear(ctx.view.movie(movieId) ?? { title: `#${movieId}`, year: null });
    const changed =
      previous !== null && previous !== movieId
        ? ` (instead of ${displayTitle(ctx.view.movie(previous) ?? { title: `#${previous}` })})`
        : '';
    const ack: Reply = {
      text: `Your vote for **${title}**${changed} is in. ${votes.length} of ${poll.memberIds.length} have voted.`,
      ephemeral: true,
      data: { pollId: poll.id, movieId, previous, votes: votes.length },
    };
    if (allMembersVoted(poll.memberIds, votes))
      return [ack, ...(await closeAndAnnounce(ctx, poll, 'all-voted'))];
    return ack;
  },
});

type Ctx = Pick<CommandContext, 'deps' | 'view'>;

/**
 * Closes a poll: the most-voted pick wins (ties go to the better group pick, no votes to the top pick),
 * it is marked seen for everyone who voted, and the winner is announced once — a close that lost the
 * race to another request reports the winner already chosen.
 */
export async function closeAndAnnounce(ctx: Ctx, poll: PollRow, reason: CloseReason): Promise<Reply[]> {
  const votes = await listVotes(ctx.deps.db, poll.id);
  const tally = tallyPoll(poll.movieIds, votes);
  if (!(await closePoll(ctx.deps.db, poll.id, tally.winner))) {
    const fresh = await getPoll(ctx.deps.db, poll.id, poll.tenant);
    return [announcement(ctx, fresh ?? poll, 'closed', true)];
  }
  for (const v of votes) await addMark(ctx.deps.db, v.userId, tally.winner, 'seen');
  const reply = announcement(
    ctx,
    { ...poll, closed: true, winner: tally.winner },
    reason,
    false,
    votes.length,
  );
  return [{ ...reply, data: { ...reply.data, counts: tally.counts, byDefault: tally.byDefault } }];
}

function announcement(
  ctx: Ctx,
  poll: PollRow,
  reason: CloseReason,
  already: boolean,
  voterCount?: number,
): Reply {
  const movie = poll.winner === null ? undefined : ctx.view.movie(poll.winner);
  if (!movie)
    return { text: 'That movie-night poll has closed.', ephemeral: true, data: { pollId: poll.id } };
  const title = titleWithYear(movie);
  if (already) {
    return {
      text: `That movie-night poll has closed: **${title}** won.`,
      ephemeral: true,
      data: { pollId: poll.id, winner: movie.id, alreadyClosed: true },
    };
  }
  const why =
    reason === 'all-voted' ? 'Everyone has voted' : reason === 'time-up' ? "Time's up" : 'Voting closed';
  const voters = voterCount ?? 0;
  const tail =
    voters === 0
      ? 'Nobody voted, so the group’s top pick wins.'
      : `Marked as seen for the ${voters} of you who voted; rate it afterwards with \`/rate ${displayTitle(movie)} <stars>\` or a reaction here.`;
  return {
    text: `🍿 ${why}! Movie night is **${title}**. ${tail}`,
    cards: [movieCard(ctx.view, movie, { reason: 'Movie night winner', label: 'Winner' })],
    rateByReaction: true,
    data: { pollId: poll.id, winner: movie.id, reason, voters },
  };
}
