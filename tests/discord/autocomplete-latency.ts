/**
 * Measures title autocomplete latency on ml-latest-small through the Discord adapter's path (a benchmark,
 * not a test): `npx tsx tests/discord/autocomplete-latency.ts [--n 400]`.
 *
 * 1. handler: `autocompleteChoices` (core.autocomplete + Discord limits), what the adapter runs per keystroke;
 * 2. round trip: a real discord.js client on a fake Discord (127.0.0.1), from the gateway INTERACTION_CREATE
 *    leaving the fake to the autocomplete callback arriving back at its REST API.
 */
import { performance } from 'node:perf_hooks';
import { discordActor } from '../../adapters/discord/identity.ts';
import { createDiscordAdapter } from '../../adapters/discord/index.ts';
import { autocompleteChoices } from '../../adapters/discord/interactions.ts';
import { createCatalogSource } from '../../src/bot/catalog-view.ts';
import { createBotCore } from '../../src/bot/core.ts';
import { importMovieLens } from '../../src/catalog/movielens-import.ts';
import { openDatabase } from '../../src/db/client.ts';
import { createLogger } from '../../src/logger.ts';
import { hasMovieLens, ML_LATEST_SMALL } from '../helpers/shared-data.ts';
import { APP_ID, FakeDiscord, GUILD_ID, TOKEN } from './fake-discord.ts';
import { commandInteraction } from './gateway-payloads.ts';

const n = Number(process.argv[process.argv.indexOf('--n') + 1]) || 400;

function stats(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s.at(-1)! };
}

/** Prefixes people type: 1–8 leading characters of real titles, some lower-cased, some with a typo. */
function queries(titles: string[], count: number): string[] {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  return Array.from({ length: count }, () => {
    const t = titles[Math.floor(rand() * titles.length)]!;
    let q = t.slice(0, 1 + Math.floor(rand() * 8));
    if (rand() < 0.5) q = q.toLowerCase();
    if (rand() < 0.15 && q.length > 3) q = q.slice(0, 2) + q.slice(3);
    return q;
  });
}

if (!hasMovieLens) {
  process.stderr.write(`skipped: ${ML_LATEST_SMALL} not found\n`);
  process.exit(0);
}
const logger = createLogger('silent');
const handle = await openDatabase({ memory: true });
await handle.migrate();
await importMovieLens(handle.db, ML_LATEST_SMALL);
const catalog = createCatalogSource(handle.db);
const core = createBotCore({
  db: handle.db,
  logger,
  catalog,
  recommender: {
    current: () => Promise.reject(new Error('not needed for autocomplete')),
    catalogChanged: () => {},
  },
});
const view = await catalog.current();
const list = view.catalog.list.map((m) => m.title);
const qs = queries(list, n);
const actor = discordActor(GUILD_ID, '500000000000000001');
await autocompleteChoices(core, 'warm', actor);

const handler: number[] = [];
for (const q of qs) {
  const t0 = performance.now();
  await autocompleteChoices(core, q, actor);
  handler.push(performance.now() - t0);
}

const fake = await FakeDiscord.start();
const adapter = createDiscordAdapter({ token: TOKEN, appId: APP_ID, apiUrl: fake.apiUrl }, { logger });
await adapter.start(core);
const roundTrip: number[] = [];
for (const q of qs.slice(0, Math.min(200, n))) {
  const payload = commandInteraction('bench', 'movie', [{ name: 'title', type: 3, value: q, focused: true }]);
  const t0 = performance.now();
  fake.dispatch('INTERACTION_CREATE', payload);
  await fake.waitForRequest((r) => r.path.includes(payload.token), { timeoutMs: 10_000 });
  roundTrip.push(performance.now() - t0);
}
await adapter.stop();
await fake.close();
await handle.close();

const round = (o: Record<string, number>) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * 100) / 100]));
const slowest = qs
  .map((q, i) => ({ q, ms: Math.round(handler[i]! * 100) / 100 }))
  .sort((a, b) => b.ms - a.ms)
  .slice(0, 5);
const result = {
  catalog: list.length,
  slowest,
  handlerMs: round(stats(handler)),
  roundTripMs: round(stats(roundTrip)),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
