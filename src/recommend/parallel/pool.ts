import { type ResourceLimits, Worker } from 'node:worker_threads';
import { BUNDLED } from '../../paths.ts';
import type { TrainTask } from './tasks.ts';

const BOOT = new URL('./boot.mjs', import.meta.url);
const TRAIN_WORKER = new URL('./worker.ts', import.meta.url);

/** How a {@link WorkerPool} starts its threads and names them in errors. */
export interface WorkerPoolOptions {
  /** The worker module (TypeScript is fine: boot.mjs registers tsx first). */
  entry: URL;
  /** The same module's entry point in the bundle (bin/bundle.mjs `ENTRIES`), started when running from it. */
  bundleName: 'train-worker' | 'import-worker';
  /** For error messages: "training", "import". */
  name: string;
  /**
   * Let the process exit while the pool is idle (a long-lived pool in a server); a worker is referenced
   * only while it runs a task.
   */
  unrefWhenIdle?: boolean;
  /** V8 heap limits of each thread (`worker_threads` `resourceLimits`). */
  resourceLimits?: ResourceLimits;
}

export interface RunOptions {
  /** Buffers moved to the worker instead of copied. */
  transfer?: ArrayBuffer[];
  /** Called with each `{ id, progress }` message the worker posts before its result. */
  onProgress?: (progress: unknown) => void;
}

interface Job {
  task: unknown;
  transfer: ArrayBuffer[];
  onProgress: ((progress: unknown) => void) | undefined;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/**
 * A fixed set of worker threads taking tasks from one queue (first idle worker wins). A worker answers
 * `{ id, task }` with `{ id, result }` or `{ id, error }`, optionally preceded by `{ id, progress }`
 * messages. A worker that crashes fails the pool: every queued task is rejected and {@link broken} is
 * set, so a long-lived owner starts a new pool.
 */
export class WorkerPool<Task> {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: Job[] = [];
  private readonly pending = new Map<Worker, Job>();
  private failed: Error | undefined;
  private nextId = 0;

  constructor(
    readonly size: number,
    private readonly options: WorkerPoolOptions,
  ) {
    for (let w = 0; w < size; w++) {
      // From the bundle, the worker's entry is a sibling chunk of this code; no loader needed.
      const worker = new Worker(BUNDLED ? new URL(`./${options.bundleName}.mjs`, import.meta.url) : BOOT, {
        workerData: { entry: options.entry.href },
        ...(options.resourceLimits ? { resourceLimits: options.resourceLimits } : {}),
      });
      if (options.unrefWhenIdle) worker.unref();
      worker.on('message', (m: { result?: unknown; error?: string; progress?: unknown }) => {
        const job = this.pending.get(worker);
        if (!job) return;
        if (m.progress !== undefined && m.result === undefined && m.error === undefined) {
          job.onProgress?.(m.progress);
          return;
        }
        this.pending.delete(worker);
        this.idle.push(worker);
        if (options.unrefWhenIdle) worker.unref();
        if (m.error !== undefined) job.reject(new Error(`${options.name} worker: ${m.error}`));
        else job.resolve(m.result);
        this.pump();
      });
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`${options.name} worker exited with code ${code}`));
      });
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  /** Whether a worker crashed; such a pool rejects every task. */
  get broken(): boolean {
    return this.failed !== undefined;
  }

  /** Tasks waiting for an idle worker. */
  get queued(): number {
    return this.queue.length;
  }

  run<T>(task: Task, options: RunOptions = {}): Promise<T> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        task,
        transfer: options.transfer ?? [],
        onProgress: options.onProgress,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      this.pump();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.all.map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const job = this.queue.shift()!;
      this.pending.set(worker, job);
      // A running task keeps the process alive until it answers.
      if (this.options.unrefWhenIdle) worker.ref();
      worker.postMessage({ id: this.nextId++, task: job.task }, job.transfer);
    }
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = error;
    for (const job of this.pending.values()) job.reject(error);
    for (const job of this.queue.splice(0)) job.reject(error);
    this.pending.clear();
  }
}

/** The pool training uses: threads running {@link TrainTask}s (worker.ts). */
export class TrainPool extends WorkerPool<TrainTask> {
  constructor(size: number) {
    // Training tasks compute in typed arrays (shared or transferred), so they make little short-lived
    // JavaScript garbage: a 4 MB young generation instead of V8's default (up to 48 MB with three 16 MB
    // semi-spaces) took 30–100 MB off a 29,742-film bot's peak RSS in the same training time (bench/README.md).
    super(size, {
      entry: TRAIN_WORKER,
      bundleName: 'train-worker',
      name: 'training',
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
  }
}
