import postgres from 'postgres';

export const DEFAULT_TEST_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';

/**
 * The Postgres server database tests run against: `TEST_DATABASE_URL`, else the local default. When it
 * cannot be reached the server tests are skipped with the reason — unless `MOVIEREC_REQUIRE_POSTGRES=1`
 * (CI), where that is an error.
 */
export async function resolveTestPostgres(): Promise<{ url: string | undefined; reason?: string }> {
  const url = process.env.TEST_DATABASE_URL || DEFAULT_TEST_POSTGRES_URL;
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return { url };
  } catch (error) {
    const reason = `${url} unreachable (${(error as Error).message})`;
    if (process.env.MOVIEREC_REQUIRE_POSTGRES === '1') {
      throw new Error(`MOVIEREC_REQUIRE_POSTGRES=1 but ${reason}`);
    }
    return { url: undefined, reason };
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}
