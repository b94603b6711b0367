/**
 * Group recommendation: turns each member's predicted stars for candidate movies into one group
 * ranking. Pure functions, no database, no recommender: the caller predicts, this file aggregates.
 *
 * Strategies (Masthoff's classic group-aggregation family):
 * - `average` — average without misery: a movie any member is predicted to rate below the misery
 *   threshold is dropped, the rest are ranked by the mean prediction;
 * - `least-misery` — the group is as happy as its least happy member: ranked by the minimum prediction;
 * - `borda` — each member ranks the candidates, a movie gets n−1 points for a first place down to 0 for
 *   the last (ties share the points), points are summed.
 */

export const GROUP_STRATEGIES = ['average', 'least-misery', 'borda'] as const;
export type GroupStrategy = (typeof GROUP_STRATEGIES)[number];

/** Below this predicted rating a member is taken to dislike a movie (average without misery drops it). */
export const DEFAULT_MISERY_THRESHOLD = 2.5;
/** A member predicted at or above this "will like it"; explanations quote the group's floor. */
export const LIKE_THRESHOLD = 3.5;
/** Scores this close count as a tie, so the mean decides (avoids float noise deciding order). */
const SCORE_EPSILON = 1e-9;

export interface GroupCandidate {
  movieId: number;
  /** Predicted stars (0.5–5) per member, aligned with {@link AggregateInput.members}. */
  predictions: readonly number[];
  /**
   * Per member, the title of a film they loved that led to this pick (from the member's own
   * recommendation reasons), or null.
   */
  lovedBecause?: readonly (string | null)[];
}

export interface AggregateInput {
  /** Member display names, in a fixed order. */
  members: readonly string[];
  candidates: readonly GroupCandidate[];
  strategy: GroupStrategy;
  /** Average without misery only; default {@link DEFAULT_MISERY_THRESHOLD}. */
  miseryThreshold?: number;
}

export interface GroupPick {
  movieId: number;
  /** The strategy's score (mean, minimum, or Borda points). */
  score: number;
  mean: number;
  min: number;
  predictions: readonly number[];
  /** "all 3 of you ≥ 3.5★ predicted; Ana and Ben loved Heat". */
  explanation: string;
}

export interface GroupRanking {
  picks: GroupPick[];
  /**
   * True when average without misery dropped every candidate and the ranking fell back to least
   * misery (there was nothing everyone is predicted to tolerate).
   */
  fellBack: boolean;
}

/** Ranks the candidates for the group with the chosen strategy; best first. */
export function rankForGroup(input: AggregateInput): GroupRanking {
  const m = input.members.length;
  const candidates = input.candidates.filter((c) => c.predictions.length === m && m > 0);
  const threshold = input.miseryThreshold ?? DEFAULT_MISERY_THRESHOLD;
  let fellBack = false;
  let scored: { c: GroupCandidate; score: number }[];
  if (input.strategy === 'average') {
    const tolerable = candidates.filter((c) => minOf(c.predictions) >= threshold);
    if (tolerable.length === 0 && candidates.length > 0) {
      fellBack = true;
      scored = candidates.map((c) => ({ c, score: minOf(c.predictions) }));
    } else {
      scored = tolerable.map((c) => ({ c, score: meanOf(c.predictions) }));
    }
  } else if (input.strategy === 'least-misery') {
    scored = candidates.map((c) => ({ c, score: minOf(c.predictions) }));
  } else {
    const points = bordaPoints(candidates, m);
    scored = candidates.map((c, i) => ({ c, score: points[i]! }));
  }
  scored.sort((a, b) =>
    Math.abs(b.score - a.score) > SCORE_EPSILON
      ? b.score - a.score
      : meanOf(b.c.predictions) - meanOf(a.c.predictions) || a.c.movieId - b.c.movieId,
  );
  return {
    fellBack,
    picks: scored.map(({ c, score }) => ({
      movieId: c.movieId,
      score,
      mean: meanOf(c.predictions),
      min: minOf(c.predictions),
      predictions: c.predictions,
      explanation: explainPick(input.members, c),
    })),
  };
}

/**
 * Borda points per candidate: for each member, candidates sorted by that member's prediction get
 * n−1, n−2, … 0 points; tied candidates share the average of the points their places span.
 */
export function bordaPoints(candidates: readonly GroupCandidate[], members: number): number[] {
  const n = candidates.length;
  const points = new Array<number>(n).fill(0);
  for (let u = 0; u < members; u++) {
    const order = candidates.map((c, i) => ({ i, p: c.predictions[u]! })).sort((a, b) => b.p - a.p);
    for (let start = 0; start < n; ) {
      let end = start;
      while (end + 1 < n && order[end + 1]!.p === order[start]!.p) end++;
      // Places start..end (0-based) are worth n-1-start … n-1-end points; each tied one gets the mean.
      const share = n - 1 - (start + end) / 2;
      for (let k = start; k <= end; k++) points[order[k]!.i]! += share;
      start = end + 1;
    }
  }
  return points;
}

/** One line saying why the group got this movie. */
export function explainPick(members: readonly string[], c: GroupCandidate): string {
  const parts: string[] = [];
  const min = minOf(c.predictions);
  const floor = Math.floor(min * 2) / 2;
  if (members.length > 1 && floor >= LIKE_THRESHOLD) {
    parts.push(`all ${members.length} of you ≥ ${floor}★ predicted`);
  } else {
    parts.push(
      `predicted ${members.map((name, u) => `${name} ${roundHalf(c.predictions[u]!)}★`).join(', ')}`,
    );
  }
  const bySeed = new Map<string, string[]>();
  c.lovedBecause?.forEach((title, u) => {
    if (!title || u >= members.length) return;
    bySeed.set(title, [...(bySeed.get(title) ?? []), members[u]!]);
  });
  const seeds = [...bySeed.entries()].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
  for (const [title, who] of seeds.slice(0, 2)) {
    parts.push(`${joinNames(who)} loved ${title}`);
  }
  return parts.join('; ');
}

/** "Ana", "Ana and Ben", "Ana, Ben and Cy". */
export function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

function roundHalf(x: number): number {
  return Math.round(x * 2) / 2;
}

function minOf(xs: readonly number[]): number {
  let min = Number.POSITIVE_INFINITY;
  for (const x of xs) if (x < min) min = x;
  return min;
}

function meanOf(xs: readonly number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return xs.length ? sum / xs.length : 0;
}
