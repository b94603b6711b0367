import type { Database } from '../../db/client.ts';
import { inTransaction } from '../../db/store/executor.ts';
import { tenantKey } from '../../db/store/forget.ts';
import { addMark } from '../../db/store/marks.ts';
import {
  castVote,
  closePoll,
  getPoll,
  latestOpenPoll,
  listVotes,
  lockOpenPoll,
  type PollAnnouncing,
  type PollRow,
} from '../../db/store/polls.ts';
import { UserError } from '../../errors.ts';
import { joinNames } from '../../group/aggregate.ts';
import { allMembersVoted, type PollTally, tallyPoll } from '../../group/poll-tally.ts';
import type { CatalogView } from '../catalog-view.ts';
import { argNumber, argText } from '../command-args.ts';
import { type CommandContext, defineCommand } from '../context.ts';
import { plural } from '../names.ts';
import { slash } from '../platform-text.ts';
import { pollEdit, pollNames } from '../poll-message.ts';
import { displayTitle, movieCard, titleWithYear } from '../render.ts';
import type { Reply } from '../types.ts';

/** Why a poll closed, for the announcement. */
export type CloseReason = 'closed' | 'all-voted' | 'time-up';

export default defineCommand({
  name: 'vote',
  description: 'Vote in the open movie-night poll (voting again changes your vote)',
  usage: '<number>',
  // The voter's answer is a private confirmation; the tally goes to the poll's own message (an edit).
  visibility: 'private',
  options: [
    { name: 'number', description: 'The pick you vote for', type: 'integer', required: true, minValue: 1 },
  ],
  // Buttons send `<poll id> <number>`; people type `<number>` for the newest open poll here.
  parseText: (text) => {
    const parts = text.split(/\s+/);
    return parts.length >= 2 ? { poll: parts[0], number: parts.at(-1) } : { number: parts[0] };
  },
  async run(ctx) {
    const pollId = argText(ctx.args, 'poll');
    const n = argNumber(ctx.args, 'number') ?? Number.NaN;
    const parts = pollId ? [pollId, String(n)] : [String(n)];
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
    if (poll.closed) return alreadyClosed(ctx, poll);
    if (!poll.memberIds.includes(ctx.user.id)) {
      const names = await pollNames(ctx.deps.db, poll);
      throw new UserError(
        'not-a-member',
        `This movie night is ${joinNames(names)}'s, so only they vote. Start your own with \`${slash(ctx.event.channel.platform, 'movienight')}\`!`,
      );
    }
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
    if (closed) return alreadyClosed(ctx, (await getPoll(ctx.deps.db, poll.id, poll.tenant)) ?? poll);
    const members = new Set(poll.memberIds);
    const votes = (await listVotes(ctx.deps.db, poll.id)).filter((v) => members.has(v.userId));
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
    // Everyone sees the tally on the poll itself: the adapter edits the poll's message with it.
    const tally = await pollEdit(ctx.deps.db, ctx.view, poll, votes);
    return tally ? [ack, tally] : [ack];
  },
});

type Ctx = Pick<CommandContext, 'deps' | 'view' | 'now'>;

/** A poll this request closed: the stored row (closed, with its winner), the count, how many voted. */
export interface SettledPoll {
  poll: PollRow;
  tally: PollTally;
  voters: number;
}

/**
 * Closes an open poll exactly once, in one transaction: locks its row (a vote being cast and any other
 * closer, in this process or another, wait for it), counts the votes, stores the winner — most votes;
 * a tie goes to the better group pick, no votes to the top pick — and marks it seen for everyone who
 * voted. `announcing` says who announces it: the closing command's own reply (announced with the
 * close), or the poll closer, which then holds the announcement until `announceAfter` — if it dies
 * before posting, another closer retries after that time. Undefined when the poll was already closed.
 */
export function settlePoll(
  db: Database,
  pollId: string,
  announcing: PollAnnouncing,
): Promise<SettledPoll | undefined> {
  return inTransaction(db, async (tx) => {
    const poll = await lockOpenPoll(tx, pollId);
    if (!poll) return undefined;
    const votes = await listVotes(tx, poll.id);
    const tally = tallyPoll(poll.movieIds, votes);
    await closePoll(tx, poll.id, tally.winner, announcing);
    for (const v of votes) await addMark(tx, v.userId, tally.winner, 'seen');
    return { poll: { ...poll, closed: true, winner: tally.winner }, tally, voters: votes.length };
  });
}

/** A closed poll's count again, for announcing it later (votes cannot change once it is closed). */
export async function settledPoll(db: Database, poll: PollRow): Promise<SettledPoll> {
  const votes = await listVotes(db, poll.id);
  return { poll, tally: tallyPoll(poll.movieIds, votes), voters: votes.length };
}

/**
 * Closes a poll and announces the winner once — a close that lost the race to another request (or to
 * the poll closer) reports the winner already chosen, privately.
 */
export async function closeAndAnnounce(ctx: Ctx, poll: PollRow, reason: CloseReason): Promise<Reply[]> {
  // The winner goes out in this command's reply: announced with the close, never by the poll closer.
  const settled = await settlePoll(ctx.deps.db, poll.id, { announcedAt: ctx.now });
  if (!settled) {
    const fresh = await getPoll(ctx.deps.db, poll.id, poll.tenant);
    return [alreadyClosed(ctx, fresh ?? poll)];
  }
  const closed = await closedPollEdit(ctx.deps.db, ctx.view, settled);
  return [...(closed ? [closed] : []), winnerAnnouncement(ctx.view, settled, reason)];
}

/** The poll's own message in its closed state (winner shown, buttons disabled), as an edit. */
export async function closedPollEdit(
  db: Database,
  view: CatalogView,
  settled: SettledPoll,
): Promise<Reply | null> {
  return pollEdit(db, view, settled.poll, await listVotes(db, settled.poll.id));
}

/** The public message naming a settled poll's winner, saying how it won (votes, a tie, nobody voted). */
export function winnerAnnouncement(view: CatalogView, settled: SettledPoll, reason: CloseReason): Reply {
  const { poll, tally, voters } = settled;
  const why =
    reason === 'all-voted' ? 'Everyone has voted' : reason === 'time-up' ? "Time's up" : 'Voting closed';
  const data = {
    pollId: poll.id,
    winner: tally.winner,
    reason,
    voters,
    counts: tally.counts,
    byDefault: tally.byDefault,
    tied: tally.tied,
  };
  const movie = view.movie(tally.winner);
  if (!movie) return { text: `🍿 ${why}! The movie-night poll has closed.`, data };
  const title = `**${titleWithYear(movie)}**`;
  const name = (id: number) => {
    const m = view.movie(id);
    return m ? `**${titleWithYear(m)}**` : `#${id}`;
  };
  const top = tally.counts.find((c) => c.movieId === tally.winner)?.votes ?? 0;
  const votes = (n: number) => plural(n, 'vote');
  const outcome = tally.byDefault
    ? `Nobody voted, so the group's top pick wins: movie night is ${title}.`
    : tally.tied.length > 1
      ? `It's a tie between ${joinNames(tally.tied.map(name))} (${votes(top)} each); the one that suited the group best wins: movie night is ${title}.`
      : `Movie night is ${title} with ${votes(top)} of ${voters}.`;
  const tail =
    voters === 0
      ? `Rate it afterwards with \`/rate ${displayTitle(movie)} <stars>\` or a reaction here.`
      : `Marked as seen for ${voters === 1 ? 'the one of you' : voters === 2 ? 'the two of you' : `the ${voters} of you`} who voted; rate it afterwards with \`/rate ${displayTitle(movie)} <stars>\` or a reaction here.`;
  return {
    text: `🍿 ${why}! ${outcome} ${tail}`,
    cards: [movieCard(view, movie, { reason: 'Movie night winner', label: 'Winner' })],
    rateByReaction: true,
    data,
  };
}

/** What someone sees who votes in, or closes, a poll that has already closed. */
function alreadyClosed(ctx: Ctx, poll: PollRow): Reply {
  const movie = poll.winner === null ? undefined : ctx.view.movie(poll.winner);
  if (!movie)
    return { text: 'That movie-night poll has closed.', ephemeral: true, data: { pollId: poll.id } };
  return {
    text: `That movie-night poll has closed: **${titleWithYear(movie)}** won.`,
    ephemeral: true,
    data: { pollId: poll.id, winner: movie.id, alreadyClosed: true },
  };
}
