import { Worker } from 'node:worker_threads';
import type { TrainTask } from './tasks.ts';

const BOOT = new URL('./boot.mjs', import.meta.url);

/** A fixed set of worker threads taking training tasks from one queue (first idle worker wins). */
export class TrainPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: { task: TrainTask; resolve: (v: unknown) => void; reject: (e: Error) => void }[] =
    [];
  private readonly pending = new Map<Worker, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private failed: Error | undefined;
  private nextId = 0;

  constructor(readonly size: number) {
    for (let w = 0; w < size; w++) {
      const worker = new Worker(BOOT);
      worker.on('message', (m: { result?: unknown; error?: string }) => {
        const job = this.pending.get(worker)!;
        this.pending.delete(worker);
        this.idle.push(worker);
        if (m.error !== undefined) job.reject(new Error(`training worker: ${m.error}`));
        else job.resolve(m.result);
        this.pump();
      });
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`training worker exited with code ${code}`));
      });
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  run<T>(task: TrainTask): Promise<T> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ task, resolve: resolve as (v: unknown) => void, reject });
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
      worker.postMessage({ id: this.nextId++, task: job.task });
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
