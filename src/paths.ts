import { pathToFileURL } from 'node:url';

/** Set by the bundle's build (bin/bundle.mjs) to the checkout's directory; undefined when running the sources. */
declare const __MOVIEREC_ROOT__: string | undefined;

/**
 * Whether this code runs from the bundle bin/movierec.js builds (under node_modules/.cache) rather than
 * from the TypeScript sources (tsx, vitest).
 */
export const BUNDLED = typeof __MOVIEREC_ROOT__ === 'string';

/** The checkout's root directory (holding migrations/, bin/), as a URL ending in a slash. */
export const ROOT_URL: URL =
  typeof __MOVIEREC_ROOT__ === 'string'
    ? pathToFileURL(`${__MOVIEREC_ROOT__}/`)
    : new URL('../', import.meta.url);
