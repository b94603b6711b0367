import { deserialize, serialize } from 'node:v8';
import { gunzipSync, gzipSync } from 'node:zlib';
import { type HybridState, MODEL_FORMAT } from './hybrid-state.ts';

/** Gzip level: fast enough for models of tens of MB, still roughly halves typed-array payloads. */
const GZIP_LEVEL = 1;

/** Serialises a trained model (typed arrays are copied as raw bytes by the V8 serializer). */
export function serializeModel(state: HybridState): Uint8Array {
  return gzipSync(serialize(state), { level: GZIP_LEVEL });
}

/** Restores a model stored by {@link serializeModel}; returns null for another format version. */
export function deserializeModel(bytes: Uint8Array): HybridState | null {
  const state = deserialize(gunzipSync(bytes)) as HybridState;
  return state?.format === MODEL_FORMAT ? state : null;
}
