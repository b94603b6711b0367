import { pino } from 'pino';
import { createCatalogSource } from '../../src/bot/catalog-view.ts';
import { createBotCore } from '../../src/bot/core.ts';
import type { BotCore } from '../../src/bot/types.ts';
import { movies, ratings, users } from '../../src/db/schema.ts';
import type { Logger } from '../../src/logger.ts';
import { createRecommenderService, type RecommenderService } from '../../src/recommend/service.ts';
import { createTestDatabase, type DbKind, type TestDatabase } from '../helpers/db.ts';

/** A small synthetic catalog: three taste clusters, two films titled "Solaris" and a "Heat" / "The Heat" pair. */
export const FIXTURE_MOVIES: { title: string; year: number; genres: string[]; directors: string[] }[] = [
  ...[
    'Alien',
    'Blade Runner',
    'The Thing',
    'Solaris',
    'Solaris',
    'Stalker',
    'Gattaca',
    'Moon',
    'Arrival',
    'Dune',
    'Contact',
    'Sunshine',
  ].map((title, i) => ({
    title,
    year: title === 'Solaris' ? (i === 3 ? 1972 : 2002) : 1979 + i * 3,
    genres: ['Sci-Fi', i % 2 ? 'Drama' : 'Thriller'],
    directors: [`Director S${i % 4}`],
  })),
  ...[
    'Airplane',
    'Groundhog Day',
    'Clueless',
    'Election',
    'Rushmore',
    'Tootsie',
    'Big',
    'Heathers',
    'Bottle Rocket',
    'Zoolander',
    'Superbad',
    'Juno',
  ].map((title, i) => ({
    title,
    year: 1980 + i * 2,
    genres: ['Comedy', i % 2 ? 'Romance' : 'Drama'],
    directors: [`Director C${i % 4}`],
  })),
  ...[
    'Heat',
    'Ronin',
    'Collateral',
    'Drive',
    'Thief',
    'Sicario',
    'Prisoners',
    'Zodiac',
    'Se7en',
    'Fargo',
    'Memento',
    'Insomnia',
  ].map((title, i) => ({
    title,
    year: 1981 + i * 3,
    genres: ['Crime', 'Thriller'],
    directors: [`Director T${i % 4}`],
  })),
  // Outside every cluster: "Heat" must still mean Heat, not The Heat.
  { title: 'Heat, The', year: 2013, genres: ['Comedy', 'Crime'], directors: ['Director X'] },
];

/** Raters per taste cluster; each rates most films of its cluster high and a few others low. */
const RATERS_PER_CLUSTER = 8;

export interface TestCore {
  db: TestDatabase;
  core: BotCore;
  recommender: RecommenderService;
  /** Database ids of the fixture movies, in FIXTURE_MOVIES order. */
  movieIds: number[];
  /** A new core over the same database (a restart, or a second process). */
  restart(): BotCore;
  close(): Promise<void>;
}

export function quietLogger(): Logger {
  return pino({ level: process.env.LOG_LEVEL ?? 'silent' }, pino.destination(2));
}

/** A migrated test database with the fixture catalog and raters, and a real core over it. */
export async function createTestCore(
  kind: DbKind,
  options: { rateLimitPerMinute?: number } = {},
): Promise<TestCore> {
  const db = await createTestDatabase(kind);
  const movieRows = await db.db
    .insert(movies)
    .values(FIXTURE_MOVIES.map((m) => ({ ...m, source: 'manual' as const })))
    .returning({ id: movies.id });
  const movieIds = movieRows.map((r) => r.id);
  const raterRows = await db.db
    .insert(users)
    .values(
      Array.from({ length: RATERS_PER_CLUSTER * 3 }, (_, u) => ({
        externalId: `movielens:${u + 1}`,
        platform: 'movielens' as const,
        tenant: 'local',
      })),
    )
    .returning({ id: users.id });
  const ratingRows = raterRows.flatMap((rater, u) => {
    const cluster = u % 3;
    return movieIds.flatMap((movieId, m) => {
      const inCluster = Math.floor(m / 12) === cluster;
      // Deterministic sparsity: each rater skips some films.
      if ((u * 7 + m * 3) % 5 === 0) return [];
      if (!inCluster && (u + m) % 3 !== 0) return [];
      const rating = inCluster ? 4 + ((u + m) % 3) / 2 : 1.5 + ((u + m) % 2);
      return [{ userId: rater.id, movieId, rating, source: 'import' as const }];
    });
  });
  await db.db.insert(ratings).values(ratingRows);
  const logger = quietLogger();
  const recommender = createRecommenderService({ db: db.db, logger });
  const build = () => {
    const catalog = createCatalogSource(db.db);
    return createBotCore({
      db: db.db,
      logger,
      catalog,
      recommender: {
        current: () => recommender.current(),
        catalogChanged: () => {
          catalog.changed();
          recommender.catalogChanged();
        },
      },
      rateLimitPerMinute: options.rateLimitPerMinute ?? 1000,
      // Tests read the import summary itself; the background path has tests of its own (import-db).
      importReplyWaitMs: 120_000,
    });
  };
  return {
    db,
    core: build(),
    recommender,
    movieIds,
    restart: build,
    async close() {
      await recommender.close();
      await db.destroy();
    },
  };
}
