import { tenantKey } from '../../db/store/forget.ts';
import { createPoll, latestOpenPoll, recentRaters } from '../../db/store/polls.ts';
import { findUser, getOrCreateUser, type UserRow } from '../../db/store/users.ts';
import { UserError } from '../../errors.ts';
import {
  DEFAULT_MISERY_THRESHOLD,
  type GroupCandidate,
  type GroupStrategy,
  rankForGroup,
} from '../../group/aggregate.ts';
import {
  type MemberToken,
  parseMovieNightArgs,
  parseStrategy,
  type Scope,
  sameTenant,
} from '../../group/members.ts';
import { applyRequestToUser, buildRecommendRequest } from '../../nlp/constraints.ts';
import { parsePreferences } from '../../nlp/parse-preferences.ts';
import type { ItemMeta, Recommender, UserState } from '../../recommend/types.ts';
import { argNumber, argText } from '../command-args.ts';
import { type CommandContext, defineCommand } from '../context.ts';
import { personName } from '../names.ts';
import { pollMessage } from '../poll-message.ts';
import { displayTitle } from '../render.ts';
import { sanitizeEcho } from '../text.ts';
import type { Reply } from '../types.ts';
import { loadUserState } from '../user-state.ts';
import { closeAndAnnounce } from './vote.ts';

/** Picks put to the vote (the brief: three to five). */
export const POLL_SIZE = 4;
/** Candidates from each member's own top list … */
const PER_MEMBER_CANDIDATES = 30;
/** … plus this many popular films, so a group with little history still has choices. */
const POPULAR_CANDIDATES = 30;
export const DEFAULT_POLL_MINUTES = 10;
const MAX_POLL_MINUTES = 24 * 60;
/** Largest group, the caller included: predictions are per member, so this bounds the work. */
export const MAX_MEMBERS = 12;
/** `here` without a member list from the platform: people who rated in this tenant this recently. */
const HERE_RECENT_DAYS = 30;
/** Constraints from free text are relaxed until this many movies qualify. */
const MIN_ELIGIBLE = 10;
/** A rating at or above this in a member's own reason counts as "loved". */
const LOVED_MIN = 4;

export default defineCommand({
  name: 'movienight',
  description: 'One film for the group from everyone’s taste, then a vote; `close` ends the vote',
  usage: '[@members… | here] [what you feel like] [strategy:least-misery|borda] [minutes:10] | close',
  visibility: 'public',
  options: [
    { name: 'members', description: 'Who is watching (mention them), or "here"', type: 'string' },
    { name: 'text', description: 'What the group feels like watching', type: 'string' },
    {
      name: 'strategy',
      description: 'How to combine tastes (default: average without misery)',
      type: 'string',
      choices: [
        { name: 'average without misery', value: 'average' },
        { name: 'least misery', value: 'least-misery' },
        { name: 'Borda count', value: 'borda' },
      ],
    },
    {
      name: 'minutes',
      description: `Voting time (default ${DEFAULT_POLL_MINUTES})`,
      type: 'integer',
      minValue: 1,
      maxValue: MAX_POLL_MINUTES,
    },
  ],
  aliases: ['movie-night', 'group'],
  // Typed text holds members and words mixed (`ana ben comedy`); resolveMembers tells them apart.
  parseText: (text) => (/^close$/i.test(text) ? { members: 'close' } : { members: text }),
  async run(ctx) {
    const text = [argText(ctx.args, 'members'), argText(ctx.args, 'text')].filter(Boolean).join(' ');
    if (/^close$/i.test(text.trim())) return closeCommand(ctx);
    const scope: Scope = { platform: ctx.event.actor.platform, tenant: ctx.event.actor.tenant };
    const args = parseMovieNightArgs(text, scope);
    const typedStrategy = argText(ctx.args, 'strategy');
    const strategy = (typedStrategy ? parseStrategy(typedStrategy) : null) ?? args.strategy ?? 'average';
    const minutes = argNumber(ctx.args, 'minutes') ?? args.minutes ?? DEFAULT_POLL_MINUTES;
    if (!(minutes >= 1 && minutes <= MAX_POLL_MINUTES)) {
      throw new UserError('bad-minutes', `Voting can stay open from 1 to ${MAX_POLL_MINUTES} minutes.`);
    }
    const { members, words } = await resolveMembers(ctx, scope, args.tokens);
    return startPoll(ctx, members, words.join(' '), strategy, minutes);
  },
});

/**
 * Who is watching: the caller, mentioned users of the same tenant, and `here` — the channel's members
 * when the platform names them, otherwise the people who rated something in this tenant in the last
 * {@link HERE_RECENT_DAYS} days. In the console, leading plain names of known console users count too
 * (`/movienight ana ben funny` = ana, ben and "funny").
 */
async function resolveMembers(
  ctx: CommandContext,
  scope: Scope,
  tokens: MemberToken[],
): Promise<{ members: UserRow[]; words: string[] }> {
  const foreign = tokens.find((t) => t.kind === 'foreign');
  if (foreign) {
    throw new UserError(
      'other-tenant',
      'Movie night is for people of this server or workspace only; I left no one else in.',
    );
  }
  if (scope.platform === 'discord' && scope.tenant === 'dm' && tokens.some((t) => t.kind !== 'word')) {
    throw new UserError('movienight-dm', 'Start movie night in a server channel, where everyone can vote.');
  }
  const keys = new Set<string>([ctx.user.externalId]);
  const words: string[] = [];
  let leading = true;
  for (const t of tokens) {
    if (t.kind === 'member') keys.add(t.key);
    else if (t.kind === 'here') for (const k of await hereKeys(ctx, scope)) keys.add(k);
    else if (t.kind === 'word') {
      const known =
        leading && scope.platform === 'console' && /^[\p{L}\p{N}_.-]{1,40}$/u.test(t.text)
          ? await findUser(ctx.deps.db, `console:${t.text}`)
          : undefined;
      if (known) keys.add(known.externalId);
      else {
        leading = false;
        words.push(t.text);
      }
    }
  }
  if (keys.size < 2) {
    throw new UserError(
      'no-members',
      scope.platform === 'console'
        ? 'Who is watching? Name them: `/movienight ana ben` (or `here`).'
        : 'Who is watching? Mention them: `/movienight @Ana @Ben`, or `/movienight here`.',
    );
  }
  if (keys.size > MAX_MEMBERS) {
    throw new UserError('too-many-members', `Movie night works for up to ${MAX_MEMBERS} people at once.`);
  }
  const members: UserRow[] = [ctx.user];
  for (const key of keys) {
    if (key === ctx.user.externalId) continue;
    if (scope.platform === 'console') {
      const found = await findUser(ctx.deps.db, key);
      if (!found) {
        throw new UserError(
          'unknown-member',
          `I don't know anyone called "${sanitizeEcho(key.slice('console:'.length), 40)}" here yet.`,
        );
      }
      members.push(found);
    } else {
      // The platform's name for a mentioned member (typed user option, Slack mention) labels the poll.
      const named = ctx.event.mentions?.find((m) => m.userKey === key)?.displayName;
      members.push(await getOrCreateUser(ctx.deps.db, key, named?.slice(0, 100)));
    }
  }
  return { members, words };
}

async function hereKeys(ctx: CommandContext, scope: Scope): Promise<string[]> {
  const listed = ctx.event.channel.memberKeys?.filter((k) => sameTenant(k, scope));
  if (listed?.length) return listed.slice(0, MAX_MEMBERS);
  const since = new Date(ctx.now.getTime() - HERE_RECENT_DAYS * 24 * 60 * 60 * 1000);
  const tenant = scope.platform === 'console' ? 'local' : scope.tenant;
  const keys = await recentRaters(ctx.deps.db, scope.platform, tenant, since, MAX_MEMBERS);
  return keys.filter((k) => sameTenant(k, scope));
}

/** Every member's predictions for candidates none of them has rated, seen or dismissed. */
function groupCandidates(
  ctx: CommandContext,
  rec: Recommender,
  states: UserState[],
  steerState: (s: UserState) => UserState,
  filter: (item: ItemMeta) => boolean,
  steer: Parameters<Recommender['recommend']>[1]['steer'],
): GroupCandidate[] {
  const loved = new Map<number, (string | null)[]>();
  const add = (id: number) => {
    if (!loved.has(id))
      loved.set(
        id,
        states.map(() => null),
      );
    return loved.get(id)!;
  };
  states.forEach((state, u) => {
    for (const r of rec.recommend(steerState(state), { n: PER_MEMBER_CANDIDATES, filter, steer })) {
      const slot = add(r.item);
      if (r.reason.kind === 'rated' && r.reason.rating >= LOVED_MIN) {
        const seed = ctx.view.movie(r.reason.item);
        if (seed) slot[u] = displayTitle(seed);
      }
    }
  });
  const anonymous: UserState = { ratings: [], notInterested: [], seen: [], watchlist: [] };
  for (const r of rec.recommend(anonymous, { n: POPULAR_CANDIDATES, filter, steer })) add(r.item);
  const ids = [...loved.keys()];
  const perMember = states.map((s) => predictAll(rec, s, ids));
  return ids.map((movieId, k) => ({
    movieId,
    lovedBecause: loved.get(movieId)!,
    predictions: perMember.map((preds) => {
      const p = preds[k] ?? ctx.view.movie(movieId)?.ratingMean ?? DEFAULT_MISERY_THRESHOLD;
      return Math.min(5, Math.max(0.5, p));
    }),
  }));
}

/**
 * Predicted stars for many movies. The hybrid engine offers `predictMany`, which folds the user into the
 * model once instead of once per movie; other recommenders get `predict` per movie.
 */
function predictAll(rec: Recommender, user: UserState, ids: readonly number[]): (number | null)[] {
  const many = (rec as { predictMany?: (u: UserState, ids: readonly number[]) => (number | null)[] })
    .predictMany;
  return many ? many.call(rec, user, ids) : ids.map((id) => rec.predict(user, id));
}

async function startPoll(
  ctx: CommandContext,
  members: UserRow[],
  text: string,
  strategy: GroupStrategy,
  minutes: number,
): Promise<Reply> {
  const [rec, states] = await Promise.all([
    ctx.recommender(),
    Promise.all(members.map((m) => (m.id === ctx.user.id ? ctx.userState() : loadUserState(ctx.deps.db, m)))),
  ]);
  const excluded = new Set<number>();
  for (const s of states) {
    for (const r of s.ratings) excluded.add(r.item);
    for (const id of [...s.seen, ...s.notInterested]) excluded.add(id);
  }
  const parsed = text ? parsePreferences(text, ctx.view.index) : null;
  const request = parsed
    ? buildRecommendRequest(parsed, ctx.view.items, { minEligible: MIN_ELIGIBLE + excluded.size })
    : null;
  const filter = (item: ItemMeta) => !excluded.has(item.id) && (request?.filter(item) ?? true);
  const steerState = (s: UserState) => (parsed ? applyRequestToUser(s, parsed) : s);
  const candidates = groupCandidates(ctx, rec, states, steerState, filter, request?.steer);
  const names = members.map(personName);
  const ranking = rankForGroup({ members: names, candidates, strategy });
  const picks = ranking.picks.slice(0, POLL_SIZE);
  if (picks.length === 0) {
    return {
      text: 'I found nothing that none of you has seen. Try fewer constraints, or fewer people.',
      data: { outcome: 'empty', members: members.map((m) => m.externalId) },
    };
  }
  const closesAt = new Date(ctx.now.getTime() + minutes * 60_000);
  const poll = await createPoll(ctx.deps.db, {
    tenant: tenantKey(ctx.event.channel.platform, ctx.event.channel.tenant),
    channel: ctx.event.channel.key,
    createdBy: ctx.user.id,
    memberIds: members.map((m) => m.id),
    movieIds: picks.map((p) => p.movieId),
    strategy,
    closesAt,
    picks: picks.map((p) => ({ movieId: p.movieId, mean: p.mean, explanation: p.explanation })),
  });
  const notes = [
    ...(request?.relaxations ?? []),
    ...(ranking.fellBack ? ['Every pick makes someone unhappy, so these are the least painful ones.'] : []),
  ];
  const message = pollMessage(ctx.view, {
    poll,
    names,
    votes: [],
    platform: ctx.event.channel.platform,
    minutes,
    notes,
  });
  return {
    ...message,
    data: {
      pollId: poll.id,
      // messagePosted records this message as the poll's own, so votes and the close edit it.
      poll: 'open',
      strategy,
      closesAt: closesAt.toISOString(),
      members: members.map((m) => m.externalId),
      movies: picks.map((p) => ({
        movieId: p.movieId,
        title: displayTitle(ctx.view.movie(p.movieId)!),
        score: p.score,
        mean: p.mean,
        min: p.min,
        predictions: p.predictions,
        explanation: p.explanation,
      })),
    },
  };
}

/** `/movienight close`: ends the newest open poll here (any member of it, or whoever started it). */
async function closeCommand(ctx: CommandContext): Promise<Reply | Reply[]> {
  const tenant = tenantKey(ctx.event.channel.platform, ctx.event.channel.tenant);
  const poll = await latestOpenPoll(ctx.deps.db, tenant, ctx.event.channel.key, ctx.user.id);
  if (!poll)
    throw new UserError('no-poll', 'There is no open movie-night poll here. Start one with `/movienight`.');
  return closeAndAnnounce(ctx, poll, 'closed');
}
