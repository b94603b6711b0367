/**
 * The movie-night poll's own message, drawn from the stored poll: open with the tally so far, or closed
 * with the winner and spent buttons. Votes and closes redraw it and the adapters edit the posted message
 * in place ({@link Reply.editMessage}).
 */
import type { Database } from '../db/client.ts';
import { type PollRow, pollMembers } from '../db/store/polls.ts';
import { type GroupStrategy, joinNames } from '../group/aggregate.ts';
import { type PollVote, tallyPoll } from '../group/poll-tally.ts';
import { actionId } from './action-ids.ts';
import type { CatalogView } from './catalog-view.ts';
import { allOfYou, personName, plural } from './names.ts';
import { slash } from './platform-text.ts';
import { movieCard, popularityLine, titleWithYear } from './render.ts';
import { sanitizeEcho } from './text.ts';
import type { Action, Platform, Reply } from './types.ts';

export const STRATEGY_NAMES: Record<GroupStrategy, string> = {
  average: 'average without misery',
  'least-misery': 'least misery',
  borda: 'Borda count',
};

export interface PollMessageInput {
  poll: PollRow;
  /** Members' names, in the poll's member order. */
  names: string[];
  votes: readonly PollVote[];
  platform: Platform;
  /** Only when the poll starts: "closes in 10 minutes", and the request's relaxation notes. */
  minutes?: number;
  notes?: string[];
}

/** The poll message: header, tally (open) or winner (closed), group-prediction cards, vote buttons. */
export function pollMessage(view: CatalogView, input: PollMessageInput): Reply {
  const { poll, names } = input;
  const members = new Set(poll.memberIds);
  // Only members' votes count, so the tally never reads "4 of 3".
  const votes = input.votes.filter((v) => members.has(v.userId));
  const tally = tallyPoll(poll.movieIds, votes);
  const title = (id: number) => {
    const m = view.movie(id);
    return m ? titleWithYear(m) : `#${id}`;
  };
  const when = poll.closesAt.toISOString().slice(11, 16);
  const lines = [`🎬 **Movie night** for ${joinNames(names)} — ${STRATEGY_NAMES[poll.strategy]}.`];
  if (poll.closed && poll.winner !== null) {
    lines.push(`Voting has closed: **${title(poll.winner)}** won.`);
  } else {
    const closes =
      input.minutes !== undefined ? `in ${plural(input.minutes, 'minute')} (${when} UTC)` : `at ${when} UTC`;
    lines.push(
      `Vote below (or \`${slash(input.platform, 'vote', '<number>')}\`); voting closes ${closes} or when ${allOfYou(poll.memberIds.length)} have voted, and I'll announce the winner here.`,
    );
  }
  lines.push(...(input.notes ?? []).map((n) => `_${sanitizeEcho(n, 200)}_`));
  if (votes.length > 0 || poll.closed) {
    const counts = tally.counts
      .filter((c) => c.votes > 0)
      .map((c) => `${title(c.movieId)} ${c.votes}`)
      .join(' · ');
    lines.push(`Votes: ${votes.length} of ${poll.memberIds.length}${counts ? ` — ${counts}` : ''}`);
  }
  const picks = new Map((poll.picks ?? []).map((p) => [p.movieId, p]));
  const cards = poll.movieIds.flatMap((id, i) => {
    const movie = view.movie(id);
    if (!movie) return [];
    const pick = picks.get(id);
    const won = poll.closed && poll.winner === id;
    return [
      {
        ...movieCard(view, movie, {
          predictedStars: pick?.mean ?? null,
          reason: pick?.explanation ?? popularityLine(movie),
          label: won ? `Pick ${i + 1} · Winner` : `Pick ${i + 1}`,
          rank: i + 1,
        }),
        // A poll asks for a vote, not a rating: no per-card menus; the prediction is the group's.
        actions: [],
        predictionFor: { kind: 'group' as const },
      },
    ];
  });
  const actions: Action[] = poll.movieIds.map((id, i) => ({
    id: actionId('vote', poll.id, i + 1),
    label: `${i + 1}. ${title(id)}`.slice(0, 80),
    style: (poll.closed ? poll.winner === id : i === 0) ? 'primary' : 'secondary',
    ...(poll.closed ? { disabled: true } : {}),
  }));
  return { text: lines.join('\n'), cards, actions, data: { pollId: poll.id } };
}

/** The names of a poll's members, in its member order. */
export async function pollNames(db: Database, poll: Pick<PollRow, 'memberIds'>): Promise<string[]> {
  return (await pollMembers(db, poll.memberIds)).map(personName);
}

/** The poll's message redrawn as an edit of the posted message; null when no message was recorded. */
export async function pollEdit(
  db: Database,
  view: CatalogView,
  poll: PollRow,
  votes: readonly PollVote[],
): Promise<Reply | null> {
  if (!poll.messageKey) return null;
  const platform = poll.channel.slice(0, poll.channel.indexOf(':')) as Platform;
  const names = await pollNames(db, poll);
  return { ...pollMessage(view, { poll, names, votes, platform }), editMessage: poll.messageKey };
}
