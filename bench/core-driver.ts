/**
 * Drives a real bot core the way a platform would: slash commands and rating selects as
 * {@link BotEvent}s, with the production catalog source and recommender service over a database.
 * Shared by the benchmark and the load / fault tests.
 */
import { randomUUID } from 'node:crypto';
import { createCatalogSource } from '../src/bot/catalog-view.ts';
import { createBotCore } from '../src/bot/core.ts';
import { cardActions } from '../src/bot/render.ts';
import type {
  Action,
  ActionEvent,
  BotCore,
  BotEvent,
  CommandEvent,
  Platform,
  Reply,
} from '../src/bot/types.ts';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/client.ts';
import type { Logger } from '../src/logger.ts';
import { createRecommenderService, type RecommenderService } from '../src/recommend/service.ts';

/** High enough that a benchmark user hammering the core is never told to slow down. */
export const UNLIMITED_RATE = 1_000_000;

export interface CoreUnderTest {
  core: BotCore;
  service: RecommenderService;
  close(): Promise<void>;
}

/** The production core over `db` (catalog from the database, model from the `models` table). */
export function buildCore(
  db: Database,
  logger: Logger,
  options: { rateLimitPerMinute?: number } = {},
): CoreUnderTest {
  const service = createRecommenderService({ db, logger, trainThreads: loadConfig().trainThreads });
  const core = createBotCore({
    db,
    logger,
    catalog: createCatalogSource(db),
    recommender: service,
    rateLimitPerMinute: options.rateLimitPerMinute ?? UNLIMITED_RATE,
  });
  return { core, service, close: async () => service.close() };
}

/** A simulated person on one platform and tenant. */
export interface SimUser {
  userKey: string;
  platform: Platform;
  tenant: string;
}

export function consoleUser(name: string): SimUser {
  return { userKey: `console:${name}`, platform: 'console', tenant: 'local' };
}

/** MovieLens users imported from ml-latest-small (ids 1–610), as the core knows them. */
export function movieLensUser(id: number): SimUser {
  return { userKey: `movielens:${id}`, platform: 'console', tenant: 'local' };
}
export const MOVIELENS_USERS = 610;

export function platformUser(platform: 'discord' | 'slack', tenant: string, user: string): SimUser {
  return { userKey: `${platform}:${tenant}:${user}`, platform, tenant };
}

function base(user: SimUser, id?: string) {
  return {
    id: id ?? randomUUID(),
    actor: { userKey: user.userKey, platform: user.platform, tenant: user.tenant, displayName: user.userKey },
    channel: { key: `${user.platform}:${user.tenant}:bench`, platform: user.platform, tenant: user.tenant },
  };
}

export function commandEvent(user: SimUser, command: string, text = '', id?: string): CommandEvent {
  return { type: 'command', command, text, ...base(user, id) };
}

export function actionEvent(user: SimUser, actionId: string, value?: string, id?: string): ActionEvent {
  return { type: 'action', actionId, ...(value === undefined ? {} : { value }), ...base(user, id) };
}

/** Movie ids on the cards of a reply list, in order. */
export function cardMovieIds(replies: Reply[]): number[] {
  return replies.flatMap((r) => (r.cards ?? []).map((c) => c.movieId));
}

/**
 * The star-rating select for `movieId` as a platform would send it back: the one on its card, or — on a
 * list page, whose cards carry no buttons of their own (one "pick a movie" select instead) — the one the
 * movie's own card offers once picked. Rating ids are stateless (`rate:<movie>`), so that select is the
 * same whether it came from the pick's private answer or not. Undefined when the replies do not show it.
 */
export function ratingAction(
  replies: Reply[],
  movieId: number,
): { id: string; values: string[] } | undefined {
  const isStars = (a: Action) => a.options?.some((o) => /^\d(\.5)?$/.test(o.value)) === true;
  for (const reply of replies) {
    for (const card of reply.cards ?? []) {
      if (card.movieId !== movieId) continue;
      const select =
        card.actions.find(isStars) ??
        (reply.actions?.some((a) => a.options?.some((o) => o.value === String(movieId)))
          ? cardActions(movieId).find(isStars)
          : undefined);
      if (select) return { id: select.id, values: select.options!.map((o) => o.value) };
    }
  }
  return undefined;
}

/** True when the core answered with its "database unavailable, try again" reply. */
export function isTryAgain(replies: Reply[]): boolean {
  return replies.some((r) => r.data?.outcome === 'unavailable' || /try again/i.test(r.text));
}

export type { BotEvent };
