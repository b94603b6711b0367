import { fileURLToPath } from 'node:url';

/** Hand-written files in IMDb's documented format, with series, episodes, shorts, adult titles and `\N`. */
export const IMDB_FIXTURE_DIR = fileURLToPath(new URL('./fixtures/imdb', import.meta.url));
