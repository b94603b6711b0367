import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | null | undefined;

/**
 * A full garbage collection, at the end of a start-up or training phase that left garbage behind (the
 * catalog read, the content model's feature bags, a model's serialised bytes). Without it V8 keeps that
 * garbage and grows the heap further before it next collects: the bot's peak resident memory with a
 * 30,000-film catalog was tens of MB higher (bench/README.md). Costs one pause of ~0.1 s per call, so it
 * is only for phases that happen at start-up and after training, never per request.
 *
 * V8 gives `gc()` only to contexts created after `--expose-gc` is set; where it cannot, this does nothing.
 */
export function releaseMemory(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
}
