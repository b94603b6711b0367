import { listUserRatings } from '../../db/store/ratings.ts';
import { findUser, type UserRow } from '../../db/store/users.ts';
import { UserError } from '../../errors.ts';
import { compareRatings, MIN_CO_RATED, matchPercent, pearson } from '../../group/compat.ts';
import { classify, type Scope } from '../../group/members.ts';
import type { Recommender, UserState } from '../../recommend/types.ts';
import type { CatalogView } from '../catalog-view.ts';
import { argText } from '../command-args.ts';
import { defineCommand } from '../context.ts';
import { personName, plural } from '../names.ts';
import { displayTitle } from '../render.ts';
import { sanitizeEcho } from '../text.ts';
import type { CommandEvent } from '../types.ts';
import { loadUserState } from '../user-state.ts';

/** Movies the model-based similarity compares predictions on: the most-rated ones, known to both. */
const LATENT_SAMPLE = 200;

export default defineCommand({
  name: 'compat',
  description: 'How well your taste matches someone else’s: score, shared favourites, biggest disagreement',
  usage: '<user>',
  visibility: 'private',
  options: [{ name: 'user', description: 'Who to compare with', type: 'user', required: true }],
  aliases: ['match'],
  // The first word names the other person (a mention, a console name); a typed `user` option is a user key.
  parseText: (text) => ({ user: text.split(/\s+/)[0] }),
  async run(ctx) {
    const scope: Scope = { platform: ctx.event.actor.platform, tenant: ctx.event.actor.tenant };
    const other = await resolveOther(ctx.deps.db, argText(ctx.args, 'user'), scope, ctx.event.mentions);
    if (other.id === ctx.user.id) {
      throw new UserError('compat-self', 'You match yourself perfectly. Try someone else: `/compat @Ana`.');
    }
    const [mine, theirs, rec, myState, theirState] = await Promise.all([
      listUserRatings(ctx.deps.db, ctx.user.id),
      listUserRatings(ctx.deps.db, other.id),
      ctx.recommender(),
      ctx.userState(),
      loadUserState(ctx.deps.db, other),
    ]);
    const name = personName(other);
    const result = compareRatings(
      new Map(mine.map((r) => [r.movieId, r.rating])),
      new Map(theirs.map((r) => [r.movieId, r.rating])),
    );
    const latent =
      myState.ratings.length > 0 && theirState.ratings.length > 0
        ? latentSimilarity(rec, ctx.view, myState, theirState)
        : null;
    const score = matchPercent(result.pearson, latent, result.coRated);
    const title = (id: number) => displayTitle(ctx.view.movie(id) ?? { title: `#${id}` });
    const lines: string[] = [];
    if (score === null) {
      lines.push(
        `I can't tell yet how your taste matches ${name}'s: ${result.coRated === 0 ? 'you have no movies rated in common' : `you have only ${plural(result.coRated, 'movie')} rated in common`}. Rate a few more (\`/onboard\`) and ask again.`,
      );
    } else {
      // One score, in words; the correlations behind it stay in `data` for `ask --json`.
      lines.push(`**You and ${name}: ${score}% taste match** — ${matchWords(score)}.`);
      lines.push(
        result.pearson === null
          ? `_Mostly from what I predict for you both: only ${plural(result.coRated, 'movie')} rated in common (${MIN_CO_RATED} needed to compare ratings directly)._`
          : `From the ${plural(result.coRated, 'movie')} you both rated${latent === null ? '' : ' and what I predict for you both'}.`,
      );
    }
    if (result.favourites.length) {
      lines.push(`Shared favourites: ${result.favourites.map((f) => title(f.movieId)).join(', ')}`);
    }
    if (result.disagreement) {
      const d = result.disagreement;
      lines.push(`Biggest disagreement: ${title(d.movieId)} (you ${d.a}★, ${name} ${d.b}★)`);
    }
    return {
      text: lines.join('\n'),
      ephemeral: true,
      data: {
        other: other.externalId,
        score,
        coRated: result.coRated,
        pearson: result.pearson,
        shrunk: result.shrunk,
        latent,
        favourites: result.favourites,
        disagreement: result.disagreement,
      },
    };
  },
});

/**
 * Model-based similarity: the correlation of the stars the model predicts for the two users on the
 * most-rated movies. The predictor folds each user into the latent-factor model, so this compares their
 * latent tastes through the public `predict` interface, even with no movie rated in common.
 */
function latentSimilarity(rec: Recommender, view: CatalogView, a: UserState, b: UserState): number | null {
  const sample = [...view.catalog.list]
    .filter((m) => m.ratingCount > 0)
    .sort((x, y) => y.ratingCount - x.ratingCount || x.id - y.id)
    .slice(0, LATENT_SAMPLE);
  const xs: number[] = [];
  const ys: number[] = [];
  for (const m of sample) {
    const pa = rec.predict(a, m.id);
    const pb = rec.predict(b, m.id);
    if (pa === null || pb === null) continue;
    xs.push(pa);
    ys.push(pb);
  }
  return xs.length >= MIN_CO_RATED ? pearson(xs, ys) : null;
}

async function resolveOther(
  db: Parameters<typeof findUser>[0],
  token: string,
  scope: Scope,
  mentions: CommandEvent['mentions'],
): Promise<UserRow> {
  if (!token) throw new UserError('compat-who', 'Compare with whom? Try `/compat @Ana`.');
  const t = classify(token, scope);
  if (t.kind === 'foreign')
    throw new UserError('other-tenant', 'I can only compare you with people from here.');
  const key =
    t.kind === 'member'
      ? t.key
      : scope.platform === 'console' && t.kind === 'word'
        ? `console:${t.text}`
        : null;
  const user = key ? await findUser(db, key) : undefined;
  if (!user) {
    const named = mentionName(token, key, mentions);
    throw new UserError(
      'unknown-user',
      `I don't know ${named ? `${named}'s taste` : `"${sanitizeEcho(token, 40)}"`} here yet: they need to rate a few movies first.`,
    );
  }
  return user;
}

/**
 * How to name someone the user mentioned: the name the platform resolved (Discord's typed user option,
 * Slack's `<@U…|name>`), since a bare mention echoed back would be stripped to nothing.
 */
function mentionName(token: string, key: string | null, mentions: CommandEvent['mentions']): string | null {
  const resolved = mentions?.find((m) => m.userKey === key || m.userKey === token)?.displayName;
  const slackName = /^<@[A-Z0-9]+\|([^>]+)>$/.exec(token)?.[1];
  const name = sanitizeEcho(resolved ?? slackName ?? '', 40);
  return name || null;
}

/** The match score in plain words. */
function matchWords(score: number): string {
  if (score >= 75) return 'very similar taste';
  if (score >= 60) return 'similar taste';
  if (score >= 40) return 'some taste in common';
  return 'quite different taste';
}
