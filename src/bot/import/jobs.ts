/**
 * Imports as bounded background work. Each user has at most one import running; the process runs at
 * most {@link IMPORT_CONCURRENCY} at once (the rest wait their turn), reads and matches them on the
 * import worker threads (workers.ts), and writes one at a time. The
 * write is one short transaction of a few set-based statements, so an import holds a pooled Postgres
 * connection for a fraction of a second and leaves the rest of the pool to other users; on PGlite,
 * whose single connection every query shares, writing one import at a time bounds how long anyone
 * waits behind one to that fraction of a second.
 */
import pLimit from 'p-limit';
import type { Reply } from '../types.ts';
import { IMPORT_WORKERS, importsWaitingForWorker } from './workers.ts';

/**
 * Imports under way at once in this process: as many as there are import workers, plus one writing its
 * ratings while the next one is read (the rest wait with their file untouched).
 */
export const IMPORT_CONCURRENCY = IMPORT_WORKERS + 1;
/** How long `/import` waits for the summary before answering "importing in the background". */
export const IMPORT_REPLY_WAIT_MS = 3_000;
/** How long a finished import's summary stays available to `/import status`. */
export const FINISHED_KEPT_MS = 60 * 60_000;

const processLimit = pLimit(IMPORT_CONCURRENCY);
const writeLimit = pLimit(1);
/** Imports waiting for a turn in this process, first in line first (for "queued, position N"). */
const line: ImportJob[] = [];

/** Runs an import's database write, one at a time in this process. */
export function serializeWrite<T>(write: () => Promise<T>): Promise<T> {
  return writeLimit(write);
}

export type ImportStage = 'queued' | 'reading' | 'matching' | 'writing';

/** A running import, as `/import status` shows it. */
export interface ImportJob {
  /** Data lines in the file, counted before parsing. */
  readonly rows: number;
  stage: ImportStage;
  /** Progress within the stage: rows read, films matched, ratings to write. */
  done: number;
  total: number;
  /** The worker thread that read and matched the file (set when it has). */
  parsedOnThread?: number;
  /**
   * While queued: 1 for the next import to start in this process, 2 for the one after it…; 0 once it
   * has its turn (it may still wait for a free import worker: see {@link ImportJobs.queued}).
   */
  position(): number;
  /** Resolves with the summary (or the reason it failed); never rejects. */
  readonly result: Promise<Reply>;
}

/** The imports of one bot core: who has one running, and recent summaries. */
export class ImportJobs {
  /** See {@link IMPORT_REPLY_WAIT_MS}; tests set 0 to see the background reply without waiting. */
  replyWaitMs = IMPORT_REPLY_WAIT_MS;
  private readonly running = new Map<number, ImportJob>();
  private readonly finished = new Map<number, { reply: Reply; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The user's running import, if any. */
  runningFor(userId: number): ImportJob | undefined {
    return this.running.get(userId);
  }

  /**
   * Queues an import for the user. Returns null, starting nothing, when the user already has one
   * running. `work` gets the job to report progress on and returns the summary; it must not reject.
   */
  start(userId: number, rows: number, work: (job: ImportJob) => Promise<Reply>): ImportJob | null {
    if (this.running.has(userId)) return null;
    const job: { -readonly [K in keyof ImportJob]: ImportJob[K] } = {
      rows,
      stage: 'queued',
      done: 0,
      total: rows,
      result: Promise.resolve({ text: '' }),
      position: () => line.indexOf(job) + 1,
    };
    line.push(job);
    job.result = processLimit(() => {
      line.splice(line.indexOf(job), 1);
      return work(job);
    }).then((reply) => {
      this.running.delete(userId);
      this.prune();
      this.finished.set(userId, { reply, at: this.now() });
      return reply;
    });
    this.running.set(userId, job);
    return job;
  }

  /** The job's summary if it arrives within `ms`, else null (the job goes on). */
  async waitFor(job: ImportJob, ms: number = this.replyWaitMs): Promise<Reply | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), ms);
    });
    try {
      return await Promise.race([job.result, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The summary of the user's last import finished within {@link FINISHED_KEPT_MS}, if any. */
  lastSummary(userId: number): Reply | undefined {
    this.prune();
    return this.finished.get(userId)?.reply;
  }

  /** Drops what is kept about the user (their summary names films they rated). */
  forget(userId: number): void {
    this.finished.delete(userId);
  }

  /** Imports waiting for a turn in this process (all cores together), or for a free import worker. */
  static queued(): number {
    return processLimit.pendingCount + importsWaitingForWorker();
  }

  private prune(): void {
    const cutoff = this.now() - FINISHED_KEPT_MS;
    for (const [userId, entry] of this.finished) if (entry.at < cutoff) this.finished.delete(userId);
  }
}

const registry = new WeakMap<object, ImportJobs>();

/** The import jobs of the core built from `deps` (one registry per core, so test cores stay apart). */
export function importJobsFor(deps: { importReplyWaitMs?: number }): ImportJobs {
  let jobs = registry.get(deps);
  if (!jobs) {
    jobs = new ImportJobs();
    jobs.replyWaitMs = deps.importReplyWaitMs ?? IMPORT_REPLY_WAIT_MS;
    registry.set(deps, jobs);
  }
  return jobs;
}
