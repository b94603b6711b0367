// Worker-thread entry: a worker starts without the parent's TypeScript loader (the CLI registers tsx
// through its API, which does not reach new threads), so register it here, then load the worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
