// Worker-thread entry: a worker starts without the parent's TypeScript loader (the CLI registers tsx
// through its API, which does not reach new threads), so register it here, then load the worker module
// the pool named (training's worker.ts when none was named).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData?.entry ?? new URL('./worker.ts', import.meta.url).href);
