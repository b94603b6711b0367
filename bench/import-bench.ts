import { importMovieLens } from '../src/catalog/movielens-import.ts';
import { type BenchDbKind, createScratchDatabase } from './databases.ts';
import { median, round } from './stats.ts';

export interface ImportFigures {
  kind: BenchDbKind;
  /** Median seconds to import ml-latest-small into a fresh migrated database, and each run's. */
  seconds: number;
  runs: number[];
  ratings: number;
  movies: number;
}

/** Times `importMovieLens` of `dir` into fresh databases of `kind` (database creation not counted). */
export async function benchImport(kind: BenchDbKind, dir: string, runs: number): Promise<ImportFigures> {
  const times: number[] = [];
  let counts = { ratings: 0, movies: 0 };
  for (let r = 0; r < runs; r++) {
    const db = await createScratchDatabase(kind);
    try {
      const t0 = performance.now();
      const result = await importMovieLens(db.db, dir);
      times.push((performance.now() - t0) / 1000);
      counts = { ratings: result.ratings, movies: result.movies };
    } finally {
      await db.destroy();
    }
  }
  return { kind, seconds: round(median(times)), runs: times.map((t) => round(t)), ...counts };
}
