import { deserialize, serialize } from 'node:v8';
import { gunzipSync } from 'node:zlib';
import { type HybridState, MODEL_FORMAT } from './hybrid-state.ts';

/** The first bytes of a gzip stream: models stored by earlier versions were compressed. */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * Serialises a trained model with the V8 serializer, which copies typed arrays as raw bytes. Not
 * compressed: the payload is mostly float weights that gzip barely shrinks, and loading must be fast
 * (the CLI starts a fresh process per command).
 */
export function serializeModel(state: HybridState): Uint8Array {
  return serialize(state);
}

/** Restores a model stored by {@link serializeModel}; null for another format version or unreadable bytes. */
export function deserializeModel(bytes: Uint8Array): HybridState | null {
  try {
    const raw = bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1] ? gunzipSync(bytes) : bytes;
    const state = deserialize(raw) as HybridState;
    return state?.format === MODEL_FORMAT ? state : null;
  } catch {
    // Unreadable bytes (truncated, foreign) mean "no usable model": the caller retrains.
    return null;
  }
}
