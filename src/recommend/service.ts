import { randomUUID } from 'node:crypto';
import { and, desc, eq, gt, lt, sql } from 'drizzle-orm';
import { createInterner, joinedList, splitList, toItemMeta } from '../catalog/catalog.ts';
import type { Database, ListenFn } from '../db/client.ts';
import { modelChunks, models, movies, ratings } from '../db/schema.ts';
import type { Logger } from '../logger.ts';
import { HybridRecommender } from './hybrid.ts';
import type { DeepPartial, HybridConfig } from './hybrid-config.ts';
import { type HybridState, MODEL_FORMAT } from './hybrid-state.ts';
import { readCachedModel, sha256Hex, writeCachedModel } from './model-cache.ts';
import { trainHybridStateParallel } from './parallel/train-parallel.ts';
import { releaseMemory } from './release-memory.ts';
import { deserializeModel, serializeModel } from './serialize.ts';
import { type ColumnarDataset, HYBRID_MODEL_NAME, trainHybridState } from './train.ts';
import { type TuningReport, tuneSettings } from './tune-settings.ts';
import type { Dataset, ItemMeta, RatingRecord, Recommender } from './types.ts';

/** How often `current()` looks for a newer stored model or a changed catalog. */
export const MODEL_POLL_INTERVAL_MS = 5_000;
/**
 * The poll while the service LISTENs for {@link MODEL_CHANNEL}: notifications bring new models at
 * once, so the poll is only the fallback (a notification sent while the listening connection was
 * down is lost) and still notices catalog changes made by other processes.
 */
export const LISTEN_POLL_INTERVAL_MS = 60_000;
/** Every stored model is announced on this channel with `NOTIFY`, its id as the payload. */
export const MODEL_CHANNEL = 'movierec_model';
/** Stored models kept per name; older ones are deleted after a new one is stored. */
const MODELS_KEPT = 3;
/** Models below this size are read from the database directly (keeps test models out of the cache). */
const DEFAULT_CACHE_MIN_BYTES = 1_000_000;
/**
 * Model bytes go to `model_chunks` in slices of this size, one statement each: PGlite's WebAssembly
 * heap never shrinks, and one 22 MB value (sent as base64, decoded, written) grew it by ~140 MB.
 */
export const MODEL_CHUNK_BYTES = 1 << 20;
/** Rows per page when the training data is read: bounded result sets instead of one of 100k+ rows. */
export interface PageSizes {
  ratings: number;
  movies: number;
}
const DEFAULT_PAGES: PageSizes = { ratings: 25_000, movies: 2_500 };
/**
 * A catalog whose movies only changed their details (TMDB enrichment writes posters, people and keywords
 * back one movie at a time) waits this long after the serving model was trained before it retrains:
 * otherwise every enriched card would start a full retraining.
 */
export const DEFAULT_DETAILS_RETRAIN_MS = 15 * 60 * 1000;

export interface RecommenderService {
  /** The newest stored model (loaded once, refreshed when a newer one appears); trains one if none fits. */
  current(): Promise<Recommender>;
  /** Tells the service the catalog changed: the next `current()` checks at once and retrains if needed. */
  catalogChanged(): void;
  /** Trains on the database's movies and ratings, stores the model and serves it. */
  retrain(): Promise<void>;
  /** Resolves once the service LISTENs for new models: true, or false without `listen` or when it failed. */
  listening(): Promise<boolean>;
  /** Stops listening and waits for a training or model load in progress. */
  close(): Promise<void>;
}

export interface RecommenderServiceOptions {
  db: Database;
  logger: Logger;
  config?: DeepPartial<HybridConfig>;
  pollIntervalMs?: number;
  /**
   * LISTEN for models stored by any process (`DatabaseHandle.listen`): a notified model is loaded in
   * the background at once, and the poll slows down to `listenPollIntervalMs`.
   */
  listen?: ListenFn;
  /** The poll while listening (default: the longer of `pollIntervalMs` and {@link LISTEN_POLL_INTERVAL_MS}). */
  listenPollIntervalMs?: number;
  /**
   * Where local copies of stored models go (see model-cache.ts): `modelCacheDir(config.home)`, private
   * to one checkout. A model row never changes, so a copy is valid forever; it spares each fresh CLI
   * process fetching megabytes of bytea. Undefined or `null`: no cache.
   */
  cacheDir?: string | null;
  /** Smaller models are not cached: they load quickly from the database anyway. */
  cacheMinBytes?: number;
  /** Size of the slices a model's bytes are stored in (default {@link MODEL_CHUNK_BYTES}). */
  chunkBytes?: number;
  /**
   * Worker threads for training (0: on the calling thread). With workers the event loop stays free
   * while a model trains, so a running bot keeps answering during a retrain.
   */
  trainThreads?: number;
  /**
   * Choose EASE λ / rating weighting and the new-user blend on a validation split before training
   * (`tuneSettings`; a second training on the calling thread plus a bounded search, so `movierec
   * train` turns it on and a running bot does not). Without it, a retrain keeps the settings the
   * served model was tuned with.
   */
  tune?: boolean | { budgetSeconds: number };
  /** See {@link DEFAULT_DETAILS_RETRAIN_MS}. */
  detailsRetrainMs?: number;
  /** Clock for the details-only retrain delay and the trained-at stamp of new models (tests). */
  now?: () => number;
  /**
   * Several processes share the database (Discord shards on one Postgres server): only the one holding
   * the advisory lock {@link TRAINING_LOCK_ID} trains a missing or stale model; the others keep serving
   * theirs (or, with none yet, wait for the leader) and load the leader's model when it is announced.
   */
  trainingLock?: boolean;
  /**
   * Training starts only once this settles (either way): a starting bot passes its catalog warm-up, so
   * the catalog load's transient memory and training's do not peak together.
   */
  trainAfter?: Promise<unknown>;
  /**
   * The movies as the bot already holds them (its catalog view), with the newest `updated_at` among
   * them in epoch milliseconds. A training uses them instead of reading the movies again when they
   * match the database (count, highest id, newest update), and the model then shares the view's item
   * objects instead of keeping a copy of its own; otherwise it reads the movies itself.
   */
  catalogItems?: () => Promise<{ items: readonly ItemMeta[]; updatedAtMs: number } | undefined>;
}

/** Any stable 64-bit number: the transaction-level advisory lock held by the one process that trains. */
export const TRAINING_LOCK_ID = 727_001_338;

/** Identifies the catalog a model was trained on; any difference means the model is stale. */
interface CatalogFingerprint {
  movies: number;
  maxId: number;
  updatedAt: string | null;
}

interface Loaded {
  id: number;
  recommender: HybridRecommender;
}

/** Serves the newest trained model from the `models` table, shared by every process on the database. */
export function createRecommenderService(options: RecommenderServiceOptions): RecommenderService {
  const { db, logger } = options;
  const pollMs = options.pollIntervalMs ?? MODEL_POLL_INTERVAL_MS;
  const listenPollMs = options.listenPollIntervalMs ?? Math.max(pollMs, LISTEN_POLL_INTERVAL_MS);
  const cacheDir = options.cacheDir ?? null;
  const cacheMinBytes = options.cacheMinBytes ?? DEFAULT_CACHE_MIN_BYTES;
  const cacheable = (size: number) => (size >= cacheMinBytes ? cacheDir : null);
  const threads = options.trainThreads ?? 0;
  const detailsRetrainMs = options.detailsRetrainMs ?? DEFAULT_DETAILS_RETRAIN_MS;
  const clock = options.now ?? Date.now;
  let loaded: Loaded | undefined;
  let lastCheck = 0;
  let forceCheck = false;
  let training: Promise<Loaded> | undefined;
  let checking: Promise<void> | undefined;
  let closed = false;
  let closing: Promise<void> | undefined;
  let listens = 0;

  /** The settings to train with: tuned now, or those the served model was tuned with, or the given ones. */
  function chooseSettings(
    input: ColumnarDataset,
    served: HybridState | undefined,
  ): { config: DeepPartial<HybridConfig> | undefined; tuning?: TuningReport } {
    if (options.tune) {
      const budgetSeconds = typeof options.tune === 'object' ? options.tune.budgetSeconds : undefined;
      const tuned = tuneSettings(toDataset(input), options.config, { budgetSeconds });
      if (tuned) {
        logger.info(
          { chosen: tuned.report.chosen, seconds: Math.round(tuned.report.seconds) },
          'settings tuned',
        );
        return { config: tuned.config, tuning: tuned.report };
      }
    }
    if (served?.tuning) return { config: served.config, tuning: served.tuning };
    return { config: options.config };
  }

  /** The caller's items when they are the database's movies now (see `catalogItems`). */
  async function heldItems(fingerprint: CatalogFingerprint): Promise<readonly ItemMeta[] | undefined> {
    const held = await options.catalogItems?.().catch(() => undefined);
    if (!held) return undefined;
    const { items, updatedAtMs } = held;
    let maxId = 0;
    for (const item of items) if (item.id > maxId) maxId = item.id;
    const fresh =
      items.length === fingerprint.movies &&
      maxId === fingerprint.maxId &&
      updatedAtMs === (await newestUpdateMs(db));
    return fresh ? items : undefined;
  }

  async function trainAndStore(store: Database = db): Promise<Loaded> {
    training ??= (async () => {
      try {
        await options.trainAfter?.catch(() => {});
        releaseMemory(); // the catalog warm-up's garbage, before training adds its own
        const started = performance.now();
        const fingerprint = await catalogFingerprint(db);
        // Ratings as columns (no object per rating); tuning needs them as records.
        const held = await heldItems(fingerprint);
        let dataset: ColumnarDataset | undefined = await readTrainingInput(db, DEFAULT_PAGES, held);
        const { config, tuning } = chooseSettings(dataset, loaded?.recommender.state);
        const state =
          threads > 0
            ? await trainHybridStateParallel(dataset, { config, threads, trainedAt: new Date(clock()) })
            : trainHybridState(dataset, { config, trainedAt: new Date(clock()) });
        if (tuning) state.tuning = tuning;
        dataset = undefined; // collectable while the model is serialised and stored
        releaseMemory();
        const bytes = serializeModel(state);
        const meta = {
          format: MODEL_FORMAT,
          key: randomUUID(),
          catalog: fingerprint,
          ratings: state.ratingCount,
          users: state.userCount,
          items: state.items.length,
          bytes: bytes.length,
          sha256: sha256Hex(bytes),
        };
        const id = await storeModel(store, meta, bytes, options.chunkBytes);
        await pruneOldModels(store, id);
        const dir = cacheable(bytes.length);
        if (dir) writeCachedModel(dir, meta.key, bytes, logger);
        logger.info(
          {
            model: HYBRID_MODEL_NAME,
            ms: Math.round(performance.now() - started),
            itemsFrom: held ? 'catalog view' : 'database',
            ...meta,
          },
          'model trained',
        );
        loaded = { id, recommender: new HybridRecommender(state) };
        releaseMemory(); // the serialised bytes and the store's copies
        return loaded;
      } finally {
        training = undefined;
      }
    })();
    return training;
  }

  /**
   * Trains a model for the current catalog once across every process on the database: the holder of
   * the training lock trains; another process with a model keeps it (the leader's NOTIFY brings the new
   * one), and one without waits for the leader to finish and then loads what it stored.
   */
  async function trainShared(): Promise<void> {
    if (!options.trainingLock) {
      await trainAndStore();
      return;
    }
    if (training) {
      await training;
      return;
    }
    // The lock lives as long as this transaction, which also stores the model: it is released (and the
    // model announced) by the same commit, so no process can see the lock free and the model missing.
    const outcome = await db.transaction(async (tx) => {
      const [row] = rowsOf(
        await tx.execute(sql`select pg_try_advisory_xact_lock(${TRAINING_LOCK_ID}) as got`),
      );
      if (!row?.got) return 'busy' as const;
      // A leader that finished just before this one took the lock has stored a fitting model already.
      if ((await newestModel()).fits) return 'stored' as const;
      await trainAndStore(tx as unknown as Database);
      return 'trained' as const;
    });
    if (outcome === 'trained' || (outcome === 'busy' && loaded)) return;
    if (outcome === 'busy') {
      logger.info('another process is training the model: waiting for it');
      await db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${TRAINING_LOCK_ID})`);
      });
    }
    await refresh();
  }

  async function newestModel() {
    const [newest] = await db
      .select({ id: models.id, meta: models.meta, trainedAt: models.trainedAt })
      .from(models)
      .where(eq(models.name, HYBRID_MODEL_NAME))
      .orderBy(desc(models.id))
      .limit(1);
    const fingerprint = await catalogFingerprint(db);
    const trainedOn = newest?.meta['catalog'] as CatalogFingerprint | undefined;
    // A details-only change (same movies) keeps the model until it is `detailsRetrainMs` old.
    const fits =
      newest !== undefined &&
      newest.meta['format'] === MODEL_FORMAT &&
      (sameFingerprint(trainedOn, fingerprint) ||
        (sameMovies(trainedOn, fingerprint) && clock() - newest.trainedAt.getTime() < detailsRetrainMs));
    return { newest, fits, fingerprint };
  }

  async function refresh(): Promise<void> {
    const { newest, fits, fingerprint } = await newestModel();
    if (!fits || !newest) {
      if (loaded) {
        logger.info({ catalog: fingerprint }, 'catalog changed: retraining the model in the background');
        void trainShared().catch((error) => logger.error({ err: error }, 'background retraining failed'));
      } else {
        await trainShared();
      }
      return;
    }
    if (loaded?.id === newest.id) return;
    const key = typeof newest.meta['key'] === 'string' ? newest.meta['key'] : null;
    const size = typeof newest.meta['bytes'] === 'number' ? newest.meta['bytes'] : 0;
    const sha256 = typeof newest.meta['sha256'] === 'string' ? newest.meta['sha256'] : undefined;
    const dir = key ? cacheable(size) : null;
    // A cached copy that fails its checksum is deleted by readCachedModel: load the database copy then,
    // never retrain for a bad local file.
    const cached = dir && key ? readCachedModel(dir, key, sha256, logger) : null;
    let state = cached ? deserializeModel(cached) : null;
    if (!state) {
      const bytes = await loadModelBytes(db, newest.id, newest.meta);
      state = bytes ? deserializeModel(bytes) : null;
      if (state && bytes && dir && key) writeCachedModel(dir, key, bytes, logger);
    }
    if (!state) {
      if (!loaded) await trainAndStore();
      return;
    }
    loaded = { id: newest.id, recommender: new HybridRecommender(state) };
    releaseMemory(); // the model's bytes, now deserialised
    logger.debug({ modelId: newest.id }, 'loaded stored model');
  }

  /** One check at a time: requests arriving meanwhile keep serving the model they have. */
  function check(): Promise<void> {
    checking ??= (async () => {
      try {
        lastCheck = Date.now();
        forceCheck = false;
        if (training && !loaded) await training;
        else await refresh();
      } finally {
        checking = undefined;
      }
    })();
    return checking;
  }

  /** A NOTIFY on {@link MODEL_CHANNEL}: load that model now, so the next request need not wait for it. */
  function modelStored(payload: string): void {
    const id = Number(payload);
    // Not serving yet (the first `current()` checks anyway), or this process's own or an older model.
    if (closed || !loaded || !Number.isInteger(id) || id <= loaded.id) return;
    forceCheck = true;
    void (async () => {
      await Promise.allSettled([checking, training]);
      if (closed || !forceCheck || (loaded && id <= loaded.id)) return;
      await check();
    })().catch((error) => logger.warn({ err: error, modelId: id }, 'loading the notified model failed'));
  }

  const listening = options.listen
    ? options
        .listen(MODEL_CHANNEL, modelStored, () => {
          // After a reconnect, look for models whose notification was lost while the connection was down.
          if (listens++ > 0) forceCheck = true;
        })
        .catch((error) => {
          logger.warn({ err: error, pollMs }, 'cannot LISTEN for new models: polling only');
          return undefined;
        })
    : Promise.resolve(undefined);

  return {
    async current() {
      if (closed) throw new Error('recommender service is closed');
      const interval = listens > 0 ? listenPollMs : pollMs;
      if (!loaded || forceCheck || Date.now() - lastCheck >= interval) await check();
      return loaded!.recommender;
    },
    catalogChanged() {
      forceCheck = true;
    },
    async retrain() {
      await trainAndStore();
      lastCheck = Date.now();
    },
    async listening() {
      return (await listening) !== undefined;
    },
    close() {
      closed = true;
      closing ??= (async () => {
        const unlisten = await listening;
        await unlisten?.().catch((error) => logger.warn({ err: error }, 'UNLISTEN failed'));
        await Promise.allSettled([checking, training]);
      })();
      return closing;
    },
  };
}

/** Rows of a raw `execute` result: postgres.js returns them as the array itself, PGlite in `rows`. */
function rowsOf(result: unknown): Record<string, unknown>[] {
  return (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as Record<
    string,
    unknown
  >[];
}

async function catalogFingerprint(db: Database): Promise<CatalogFingerprint> {
  const [row] = await db
    .select({
      movies: sql<number>`count(*)::int`,
      maxId: sql<number>`coalesce(max(${movies.id}), 0)::int`,
      updatedAt: sql<string | null>`max(${movies.updatedAt})::text`,
    })
    .from(movies);
  return {
    movies: Number(row?.movies ?? 0),
    maxId: Number(row?.maxId ?? 0),
    updatedAt: row?.updatedAt ?? null,
  };
}

/** The newest `movies.updated_at` in whole epoch milliseconds (as a driver's Date holds it), 0 without movies. */
async function newestUpdateMs(db: Database): Promise<number> {
  const [row] = await db
    .select({
      ms: sql<number>`coalesce(floor(extract(epoch from max(${movies.updatedAt})) * 1000), 0)::float8`,
    })
    .from(movies);
  return Number(row?.ms ?? 0);
}

/** Same movies (count and highest id); only some movie's details may have been updated since. */
function sameMovies(stored: CatalogFingerprint | undefined, now: CatalogFingerprint): boolean {
  return stored !== undefined && stored.movies === now.movies && stored.maxId === now.maxId;
}

function sameFingerprint(a: CatalogFingerprint | undefined, b: CatalogFingerprint): boolean {
  return sameMovies(a, b) && a!.updatedAt === b.updatedAt;
}

/**
 * Every movie and rating in the database, as the recommender's training input with ratings as columns
 * (typed arrays: no object per rating). Read in pages by primary key (keyset pagination), so no single
 * result holds 100k+ rows at once: the driver's copy of a page is garbage before the next one arrives.
 */
export async function readTrainingInput(
  db: Database,
  pages: PageSizes = DEFAULT_PAGES,
  heldItems?: readonly ItemMeta[],
): Promise<ColumnarDataset> {
  return {
    items: heldItems ?? (await readTrainingItems(db, pages)),
    columns: await readRatingColumns(db, pages),
  };
}

/** Every movie as the recommender's item metadata, by id. */
async function readTrainingItems(db: Database, pages: PageSizes): Promise<ItemMeta[]> {
  const items: ItemMeta[] = [];
  // Only the columns the recommender reads, with each repeated string (an actor in 40 films, a genre)
  // held once: at 30,000 films the rows' own copies of names cost tens of MB during training.
  const intern = createInterner();
  for (let after = 0; ; ) {
    const page = await db
      .select({
        id: movies.id,
        title: movies.title,
        year: movies.year,
        genres: joinedList(movies.genres),
        tags: joinedList(movies.tags),
        directors: joinedList(movies.directors),
        cast: joinedList(movies.cast),
        writers: joinedList(movies.writers),
        runtime: movies.runtime,
        overview: movies.overview,
        imdbRating: movies.imdbRating,
        imdbVotes: movies.imdbVotes,
      })
      .from(movies)
      .where(gt(movies.id, after))
      .orderBy(movies.id)
      .limit(pages.movies);
    for (const row of page) {
      items.push(
        toItemMeta({
          ...row,
          genres: splitList(row.genres, intern),
          tags: splitList(row.tags, intern),
          directors: splitList(row.directors, intern),
          cast: splitList(row.cast, intern),
          writers: splitList(row.writers, intern),
        }),
      );
    }
    if (page.length < pages.movies) break;
    after = page[page.length - 1]!.id;
  }
  return items;
}

/** Every rating as columns, by (user, movie). */
async function readRatingColumns(db: Database, pages: PageSizes): Promise<ColumnarDataset['columns']> {
  const columns = new RatingColumnsBuilder(pages.ratings);
  for (let afterUser = 0, afterMovie = 0; ; ) {
    const page = await db
      .select({
        user: ratings.userId,
        item: ratings.movieId,
        rating: ratings.rating,
        timestamp: sql<number>`floor(extract(epoch from ${ratings.ratedAt}))::float8`,
      })
      .from(ratings)
      .where(sql`(${ratings.userId}, ${ratings.movieId}) > (${afterUser}, ${afterMovie})`)
      .orderBy(ratings.userId, ratings.movieId)
      .limit(pages.ratings);
    for (const r of page) columns.push(r.user, r.item, r.rating, Number(r.timestamp));
    if (page.length < pages.ratings) break;
    const last = page[page.length - 1]!;
    afterUser = last.user;
    afterMovie = last.item;
  }
  return columns.finish();
}

/** {@link readTrainingInput} with one record per rating (tests, settings tuning). */
export async function readDataset(db: Database, pages: PageSizes = DEFAULT_PAGES): Promise<Dataset> {
  return toDataset(await readTrainingInput(db, pages));
}

function toDataset(input: ColumnarDataset): Dataset {
  const { user, item, rating, timestamp } = input.columns;
  const out: RatingRecord[] = new Array(user.length);
  for (let k = 0; k < user.length; k++) {
    out[k] = { user: user[k]!, item: item[k]!, rating: rating[k]!, timestamp: timestamp[k]! };
  }
  return { items: [...input.items], ratings: out };
}

/** Growable Float64 columns (doubling from one page), trimmed to their length at the end. */
class RatingColumnsBuilder {
  private size = 0;
  private user: Float64Array;
  private item: Float64Array;
  private rating: Float64Array;
  private timestamp: Float64Array;

  constructor(capacity: number) {
    const n = Math.max(1, capacity);
    this.user = new Float64Array(n);
    this.item = new Float64Array(n);
    this.rating = new Float64Array(n);
    this.timestamp = new Float64Array(n);
  }

  push(user: number, item: number, rating: number, timestamp: number): void {
    if (this.size === this.user.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.user = grow(this.user);
      this.item = grow(this.item);
      this.rating = grow(this.rating);
      this.timestamp = grow(this.timestamp);
    }
    const k = this.size++;
    this.user[k] = user;
    this.item[k] = item;
    this.rating[k] = rating;
    this.timestamp[k] = timestamp;
  }

  finish(): ColumnarDataset['columns'] {
    const n = this.size;
    return {
      user: this.user.slice(0, n),
      item: this.item.slice(0, n),
      rating: this.rating.slice(0, n),
      timestamp: this.timestamp.slice(0, n),
    };
  }
}

/**
 * Stores a model row and its bytes in {@link MODEL_CHUNK_BYTES} slices, in one transaction so no
 * other process ever sees a model without all its bytes, and announces its id on {@link MODEL_CHANNEL}
 * when that transaction commits. Returns the model's id.
 */
export async function storeModel(
  db: Database,
  meta: Record<string, unknown>,
  bytes: Uint8Array,
  chunkBytes = MODEL_CHUNK_BYTES,
): Promise<number> {
  const chunks = Math.ceil(bytes.length / chunkBytes);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(models)
      .values({ name: HYBRID_MODEL_NAME, meta: { ...meta, chunks }, data: toBytea(new Uint8Array(0)) })
      .returning({ id: models.id });
    for (let seq = 0; seq < chunks; seq++) {
      const slice = bytes.subarray(seq * chunkBytes, (seq + 1) * chunkBytes);
      await tx.insert(modelChunks).values({ modelId: row!.id, seq, data: toBytea(slice) });
    }
    // Delivered on commit, so a listener never hears of a model it cannot read yet.
    await tx.execute(sql`select pg_notify(${MODEL_CHANNEL}, ${String(row!.id)})`);
    return row!.id;
  });
}

/**
 * A stored model's bytes: its chunks one statement at a time, or (models stored before chunks) the
 * `data` column. Null when they are gone (pruned meanwhile) or do not match the stored size and digest.
 */
export async function loadModelBytes(
  db: Database,
  id: number,
  meta: Record<string, unknown>,
): Promise<Uint8Array | null> {
  const chunks = meta['chunks'];
  if (typeof chunks !== 'number') {
    const [row] = await db
      .select({ data: sql<string>`encode(${models.data}, 'base64')` })
      .from(models)
      .where(eq(models.id, id));
    return row ? Buffer.from(row.data, 'base64') : null;
  }
  const parts: Buffer[] = [];
  for (let seq = 0; seq < chunks; seq++) {
    const [row] = await db
      .select({ data: sql<string>`encode(${modelChunks.data}, 'base64')` })
      .from(modelChunks)
      .where(and(eq(modelChunks.modelId, id), eq(modelChunks.seq, seq)));
    if (!row) return null;
    parts.push(Buffer.from(row.data, 'base64'));
  }
  const bytes = Buffer.concat(parts);
  if (typeof meta['bytes'] === 'number' && meta['bytes'] !== bytes.length) return null;
  return typeof meta['sha256'] === 'string' && sha256Hex(bytes) !== meta['sha256'] ? null : bytes;
}

async function pruneOldModels(db: Database, newestId: number): Promise<void> {
  const keep = await db
    .select({ id: models.id })
    .from(models)
    .where(eq(models.name, HYBRID_MODEL_NAME))
    .orderBy(desc(models.id))
    .limit(MODELS_KEPT);
  const oldest = keep[keep.length - 1]?.id ?? newestId;
  await db.delete(models).where(and(eq(models.name, HYBRID_MODEL_NAME), lt(models.id, oldest)));
}

/**
 * Model bytes as a SQL value decoded by the server. Both drivers pass megabytes of bytea slowly
 * (PGlite: 22 MB took ~40 s to insert and ~7 s to read here); base64 text with `decode`/`encode`
 * on the server side took ~4 s and ~2 s.
 */
function toBytea(bytes: Uint8Array): Uint8Array {
  const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  return sql`decode(${b64}, 'base64')` as unknown as Uint8Array;
}
