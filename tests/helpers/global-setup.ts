import { resolveTestPostgres } from './postgres.ts';

/** Says once, up front, which databases the run covers. */
export default async function setup(): Promise<void> {
  const pg = await resolveTestPostgres();
  const line = pg.url
    ? `database tests: PGlite and the Postgres server at ${pg.url}`
    : `database tests: PGlite only (Postgres server skipped: ${pg.reason})`;
  process.stderr.write(`${line}\n`);
}
