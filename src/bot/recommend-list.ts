import { logRecommendations } from '../db/store/recommendation-log.ts';
import {
  createSession,
  findSession,
  getSession,
  latestSession,
  newSessionId,
  updateSession,
} from '../db/store/sessions.ts';
import {
  applyRequestToUser,
  buildRecommendRequest,
  fillInTiers,
  mergeStoredPreferences,
} from '../nlp/constraints.ts';
import { describePreferences, emptyPreferences, parsePreferences } from '../nlp/parse-preferences.ts';
import type { ParsedPreferences } from '../nlp/types.ts';
import {
  applyListRules,
  bayesianAverage,
  catalogMean,
  evidenceOf,
  orderPageByPrediction,
  predictionFloor,
} from '../recommend/list-rules.ts';
import type {
  ItemMeta,
  Recommendation,
  Recommender,
  RecommendOptions,
  UserState,
} from '../recommend/types.ts';
import { actionId } from './action-ids.ts';
import type { CommandContext } from './context.ts';
import { personName, plural } from './names.ts';
import { cardData, displayTitle, listPage, movieCard, popularityLine, reasonText } from './render.ts';
import { sanitizeEcho } from './text.ts';
import type { Action, MovieCard, Reply } from './types.ts';
import { storedPrefs } from './user-state.ts';

/** Cards per page in chat; `ask` asks for 10. */
export const CHAT_PAGE_SIZE = 5;
export const MAX_PAGE_SIZE = 10;
/** How deep a list is computed once, so "more" pages through the same ranking. */
export const LIST_DEPTH = 60;
/** Constraints are relaxed until at least this many movies qualify. */
const MIN_ELIGIBLE = 10;
export const RECOMMEND_SESSION_KIND = 'recommend';
export const RECOMMEND_SESSION_TTL_MS = 24 * 60 * 60 * 1000;
/** Mixed lists: per five picks, this pattern of sources (P personal, B because-you-liked, X popular). */
const MIX_PATTERN = ['P', 'P', 'B', 'P', 'X'] as const;
/** Ratings at or above this count as "liked" for because-you-liked picks. */
const LIKED_MIN = 4;
const BECAUSE_SEEDS = 3;
const BECAUSE_PER_SEED = 8;

interface ListEntry {
  id: number;
  score: number;
  reason: string;
  label: string | null;
  predicted: number | null;
  /** True when `predicted` is the film's (shrunk) average, not a personal prediction. */
  average?: boolean;
  /**
   * Set when the film only fits a widened request (or one with a value unknown): such films come after
   * those that fit as asked, whatever their predictions (the list's note says so).
   */
  tier?: number;
}

interface RecommendSessionData extends Record<string, unknown> {
  entries: ListEntry[];
  cursor: number;
  /** Cards shown so far, so page 2 is numbered #6–#10 (absent in lists stored before numbering). */
  shown?: number;
  /** A copy of someone else's list: predictions are worked out for this user as pages are shown. */
  copied?: boolean;
  text: string;
  parsed: ParsedPreferences | null;
  notes: string[];
}

type Ctx = Pick<CommandContext, 'deps' | 'user' | 'view' | 'now' | 'recommender' | 'userState'>;

/** Computes a fresh list for `/recommend [text]`, stores it in a session, and shows its first page. */
export async function recommendCommand(ctx: Ctx, text: string, pageSize: number): Promise<Reply> {
  const [rec, state] = await Promise.all([ctx.recommender(), ctx.userState()]);
  let parsed: ParsedPreferences | null = null;
  let notes: string[] = [];
  let entries: ListEntry[];
  const stored = storedPrefs(ctx.user)?.parsed ?? null;
  if (text) parsed = parsePreferences(text, ctx.view.index);
  // Stored /prefs apply where the request is silent; a genre the request asks for is no longer avoided.
  const effective = stored ? mergeStoredPreferences(parsed ?? emptyPreferences(), stored) : parsed;
  const request = effective
    ? buildRecommendRequest(effective, ctx.view.items, { minEligible: MIN_ELIGIBLE })
    : null;
  notes = request?.relaxations ?? [];
  const user = parsed ? applyRequestToUser(state, parsed) : state;
  if (text) {
    // Films that fit the request as asked come before those a widened or unknown-valued filter adds.
    const recs = fillInTiers(LIST_DEPTH, request?.tiers ?? [], request?.filter, (n, filter) =>
      rec.recommend(user, withOptions(ctx, { n, filter, steer: request?.steer })),
    );
    entries = recs.map((r) => ({ ...entry(ctx, r, null), ...(r.tier > 0 && { tier: r.tier }) }));
  } else {
    entries = mixedList(ctx, rec, user, request?.filter);
  }
  const curated = curate(ctx, entries, state);
  entries = curated.entries;
  if (curated.dropped > 0 && entries.length < MIN_ELIGIBLE) {
    notes = [
      ...notes,
      entries.length === 0
        ? `I left out ${curated.dropped} film${curated.dropped === 1 ? '' : 's'} I predict you would rate below ${predictionFloor(curated.mean).toFixed(1)}★; nothing else fits yet.`
        : `Only ${entries.length} film${entries.length === 1 ? '' : 's'} here I expect you to enjoy; I left out ${curated.dropped} I predict you would rate below ${predictionFloor(curated.mean).toFixed(1)}★.`,
    ];
  }
  // The session is stored once, with the cursor after the first page, by showPage.
  const list = {
    id: newSessionId(),
    data: { entries, cursor: 0, shown: 0, text, parsed, notes },
    stored: false,
  };
  return showPage(ctx, list, pageSize, rec);
}

/** Where a "More" button continues a list: its session, and the cursor and count after its page. */
export interface MoreButton {
  sessionId: string;
  cursor?: number;
  shown?: number;
}

/**
 * The next page of the user's latest list, or of the list a "More" button belongs to. The list's owner
 * continues it; anyone else who presses More gets their own copy from that page on, privately (their
 * own exclusions, predictions worked out for them), so More never answers "no list" in a channel.
 */
export async function moreCommand(ctx: Ctx, pageSize: number, button?: MoreButton): Promise<Reply> {
  const db = ctx.deps.db;
  const own = button
    ? await getSession<RecommendSessionData>(db, button.sessionId, ctx.user.id, ctx.now)
    : await latestSession<RecommendSessionData>(db, ctx.user.id, RECOMMEND_SESSION_KIND, ctx.now);
  const rec = await ctx.recommender();
  if (own) return showPage(ctx, { id: own.id, data: own.data, stored: true }, pageSize, rec);
  const shared = button
    ? await findSession<RecommendSessionData>(db, button.sessionId, RECOMMEND_SESSION_KIND, ctx.now)
    : undefined;
  if (!shared) {
    return {
      text: button
        ? 'That list has expired. Ask for a fresh one with `/recommend`.'
        : 'There is no list to continue. Ask for one with `/recommend`.',
      ephemeral: true,
      data: { outcome: 'user_error', error: 'no-list' },
    };
  }
  const copy: RecommendSessionData = {
    ...shared.data,
    entries: shared.data.entries.map((e) => copiedEntry(ctx, e)),
    cursor: button?.cursor ?? shared.data.cursor,
    shown: button?.shown ?? shared.data.shown,
    copied: true,
  };
  const page = await showPage(ctx, { id: newSessionId(), data: copy, stored: false }, pageSize, rec);
  return { ...page, ephemeral: true };
}

/** An entry of someone else's list, without what was personal to them (their reasons, their stars). */
function copiedEntry(ctx: Ctx, e: ListEntry): ListEntry {
  const movie = ctx.view.movie(e.id);
  const general = /^(Matches|Popular)/.test(e.reason);
  return {
    ...e,
    predicted: null,
    reason: general || !movie ? e.reason : popularityLine(movie),
    label: e.label === 'Popular' ? e.label : null,
  };
}

type ItemFilter = (item: ItemMeta) => boolean;

/** Default diversity for chat lists: a little variety beats five near-identical sequels. */
const CHAT_DIVERSITY = 0.2;

function withOptions(_ctx: Ctx, options: RecommendOptions): RecommendOptions {
  return { diversity: CHAT_DIVERSITY, ...options };
}

function entry(ctx: Ctx, r: Recommendation, label: string | null): ListEntry {
  return {
    id: r.item,
    score: r.score,
    reason: reasonText(r.reason, ctx.view),
    label,
    predicted: r.predictedRating,
  };
}

/**
 * Personal picks, "because you liked X" picks and popular picks, interleaved and labelled. The
 * personal and because-you-liked lists share one scoring of the user ({@link Recommender.forUser}).
 */
function mixedList(
  ctx: Ctx,
  rec: Recommender,
  state: UserState,
  filter: ItemFilter | undefined,
): ListEntry[] {
  const scorer = rec.forUser(state);
  let personal: Recommendation[];
  let perSeed: ListEntry[][];
  try {
    personal = scorer.recommend(withOptions(ctx, { n: LIST_DEPTH, filter }));
    if (state.ratings.length === 0) return personal.map((r) => entry(ctx, r, 'Popular'));
    const liked = [...state.ratings]
      .filter((r) => r.rating >= LIKED_MIN)
      .sort((a, b) => b.rating - a.rating || b.timestamp - a.timestamp)
      .slice(0, BECAUSE_SEEDS);
    // One similar-list per liked seed, then round-robin, so the "because" picks rotate between seeds.
    perSeed = liked.flatMap((seed) => {
      const movie = ctx.view.movie(seed.item);
      if (!movie) return [];
      const label = `Because you liked ${displayTitle(movie)}`;
      return [
        scorer
          .similar(seed.item, withOptions(ctx, { n: BECAUSE_PER_SEED, filter }))
          .map((r) => entry(ctx, r, label)),
      ];
    });
  } finally {
    scorer.release();
  }
  const because: ListEntry[] = [];
  for (let round = 0; round < BECAUSE_PER_SEED; round++) {
    for (const sims of perSeed) if (sims[round]) because.push(sims[round]!);
  }
  const anonymous: UserState = { ...state, ratings: [] };
  const popular = rec
    .recommend(anonymous, withOptions(ctx, { n: LIST_DEPTH, diversity: 0, filter }))
    .map((r) => entry(ctx, { ...r, reason: { kind: 'popular' } }, 'Popular'));
  const queues = {
    P: personal.map((r) => entry(ctx, r, 'Personal pick')),
    B: because,
    X: popular,
  };
  const rated = new Set(state.ratings.map((r) => r.item));
  const used = new Set<number>();
  const out: ListEntry[] = [];
  const take = (key: keyof typeof queues): ListEntry | undefined => {
    for (const k of [key, 'P', 'B', 'X'] as const) {
      const q = queues[k];
      while (q.length > 0) {
        const e = q.shift()!;
        if (!used.has(e.id) && !rated.has(e.id)) return e;
      }
    }
    return undefined;
  };
  for (let i = 0; out.length < LIST_DEPTH; i++) {
    const e = take(MIX_PATTERN[i % MIX_PATTERN.length]!);
    if (!e) break;
    used.add(e.id);
    out.push(e);
  }
  return out;
}

/**
 * The list rules of src/recommend/list-rules.ts: for a user with ratings, no film predicted below
 * their floor and barely evidenced films behind well-evidenced ones; for a user without ratings,
 * each card's number is the film's Bayesian average (labelled as an average), not a prediction.
 */
function curate(
  ctx: Ctx,
  entries: ListEntry[],
  state: UserState,
): { entries: ListEntry[]; dropped: number; mean: number } {
  const evidence = (id: number) => {
    const m = ctx.view.movie(id);
    return m ? evidenceOf(m) : 0;
  };
  if (state.ratings.length === 0) {
    const prior = catalogMean(ctx.view.catalog.list);
    const averaged = entries.map((e) => {
      const m = ctx.view.movie(e.id);
      const avg = m ? bayesianAverage(m, prior) : null;
      return { ...e, predicted: avg === null ? null : Math.round(avg * 10) / 10, average: true };
    });
    const ruled = applyListRules(
      averaged.map((e) => ({ ...e, evidence: evidence(e.id) })),
      Number.NaN,
    );
    return { entries: ruled.entries.map(({ evidence: _, ...e }) => e), dropped: 0, mean: Number.NaN };
  }
  const mean = state.ratings.reduce((sum, r) => sum + r.rating, 0) / state.ratings.length;
  const ruled = applyListRules(
    entries.map((e) => ({ ...e, evidence: evidence(e.id) })),
    mean,
  );
  return { entries: ruled.entries.map(({ evidence: _, ...e }) => e), dropped: ruled.dropped, mean };
}

/** A list to page through: a stored session, or a fresh one not stored yet. */
interface ListSession {
  id: string;
  data: RecommendSessionData;
  stored: boolean;
}

/**
 * Shows the next `pageSize` entries the user has not rated or dismissed since, and stores the list
 * with its cursor advanced (one write) alongside the log of what was shown.
 */
async function showPage(ctx: Ctx, session: ListSession, pageSize: number, rec: Recommender): Promise<Reply> {
  const data = session.data;
  const state = await ctx.userState();
  const excluded = new Set([...state.ratings.map((r) => r.item), ...state.notInterested, ...state.seen]);
  const page: ListEntry[] = [];
  let cursor = data.cursor;
  while (cursor < data.entries.length && page.length < pageSize) {
    const e = data.entries[cursor++]!;
    if (!excluded.has(e.id) && ctx.view.movie(e.id)) page.push(e);
  }
  // The ranking decides which films make the page; the page reads in the order of its numbers.
  const ordered = orderPageByPrediction(page);
  const shownBefore = data.shown ?? 0;
  const next = { ...data, cursor, shown: shownBefore + page.length };
  const db = ctx.deps.db;
  // Independent writes: on a server they run at once on two pooled connections.
  await Promise.all([
    session.stored
      ? updateSession(db, session.id, next)
      : createSession(
          db,
          ctx.user.id,
          RECOMMEND_SESSION_KIND,
          next,
          RECOMMEND_SESSION_TTL_MS,
          ctx.now,
          session.id,
        ),
    logRecommendations(
      db,
      ctx.user.id,
      rec.version,
      ordered.map((e) => ({ movieId: e.id, score: e.score })),
    ),
  ]);
  const first = data.cursor === 0 && !data.copied;
  if (ordered.length === 0) {
    return {
      text: first
        ? 'I have nothing to recommend for that yet. Try fewer constraints, or rate a few movies with `/onboard`.'
        : "That's the end of this list. Ask again with `/recommend` for a fresh one.",
      data: { movies: [], parsed: data.parsed, sessionId: session.id },
    };
  }
  const watch = new Set(state.watchlist);
  // A copied list is shown privately to its new reader: their own predictions, unlabelled.
  const attribution: MovieCard['predictionFor'] = data.copied
    ? undefined
    : state.ratings.length === 0
      ? { kind: 'average' }
      : { kind: 'person', name: personName(ctx.user) };
  const { cards, pick } = listPage(
    ordered.map((e, i) => ({
      ...movieCard(ctx.view, ctx.view.movie(e.id)!, {
        predictedStars: data.copied ? rec.predict(state, e.id) : e.predicted,
        reason: e.reason,
        label: e.label ?? undefined,
        rank: shownBefore + i + 1,
        onWatchlist: watch.has(e.id),
      }),
      // A film with no personal prediction shows its (shrunk) average, labelled as such.
      ...(e.average && !data.copied
        ? { predictionFor: { kind: 'average' as const } }
        : attribution
          ? { predictionFor: attribution }
          : {}),
    })),
  );
  const header = first
    ? headerText(data, state.ratings.length)
    : data.copied && !session.stored
      ? 'Your own continuation of that list (only you see this):'
      : 'More from the same list:';
  const hasMore = cursor < data.entries.length;
  const more: Action[] = hasMore
    ? [{ id: actionId('more', session.id, cursor, next.shown), label: 'More', style: 'primary' }]
    : [];
  return {
    text: header,
    cards,
    actions: [pick, ...more],
    data: {
      movies: cards.map((c, i) => cardData(c, ctx.view.movie(c.movieId), ordered[i]!.score)),
      parsed: data.parsed,
      sessionId: session.id,
    },
  };
}

function headerText(data: RecommendSessionData, ratingCount: number): string {
  const lines: string[] = [];
  if (data.parsed) {
    const described = describePreferences(data.parsed);
    lines.push(described ? described : `Recommendations for "${sanitizeEcho(data.text)}"`);
  } else if (ratingCount === 0) {
    lines.push('Popular picks to start with. Rate a few (`/onboard`) and these become personal.');
  } else {
    lines.push(`Picked for you from your ${plural(ratingCount, 'rating')}:`);
  }
  for (const note of data.notes) lines.push(`_${sanitizeEcho(note, 200)}_`);
  return lines.join('\n');
}
