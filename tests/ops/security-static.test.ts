// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the samples are source code for the SQL scanner
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listTsFiles, scanSource } from './sql-scan.ts';

const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

describe('SQL only through parameterised queries', () => {
  it('the scanner flags raw SQL built from values and accepts the safe forms', () => {
    const bad = [
      'await db.execute(sql.raw(`select * from users where name = ${name}`));',
      'await client.unsafe("select 1 from movies where title = \'" + title + "\'");',
      "await pg.query(`select * from movies where title = '${title}'`);",
      'const q = `delete from ratings where user_id = ${id}`;',
    ];
    for (const code of bad) expect(scanSource('bad.ts', code), code).not.toEqual([]);
    const good = [
      'await db.execute(sql`select * from users where name = ${name}`);',
      "await db.execute(sql.raw('select 1'));",
      'await db.select().from(users).where(eq(users.externalId, key));',
      'const msg = `Rated ${title} ${stars} stars`;',
      'log.info(`select a movie from the list, ${name}`);',
    ];
    for (const code of good) expect(scanSource('good.ts', code), code).toEqual([]);
  });

  it('no file in src/ or adapters/ builds SQL from strings', () => {
    const files = listTsFiles(ROOT, ['src', 'adapters']);
    expect(files.length).toBeGreaterThan(10);
    const findings = files.flatMap((f) => scanSource(path.relative(ROOT, f), fs.readFileSync(f, 'utf8')));
    expect(findings).toEqual([]);
  });
});

describe('secrets never reach the logs', () => {
  it('config tokens, signing secret, API keys and the database password are redacted by the production logger', () => {
    const sentinels = {
      DISCORD_TOKEN: 'SENTINEL-discord-token-7f3a',
      SLACK_BOT_TOKEN: 'xoxb-SENTINEL-slack-bot-91c2',
      SLACK_SIGNING_SECRET: 'SENTINEL-signing-secret-55d0',
      SLACK_APP_TOKEN: 'xapp-SENTINEL-app-token-0b7e',
      TMDB_API_KEY: 'SENTINEL-tmdb-key-c4e1',
      TMDB_READ_TOKEN: 'SENTINEL-tmdb-read-2a9f',
      DATABASE_URL: 'postgres://bot:SENTINEL-db-password-e8d3@127.0.0.1:5432/movierec',
    };
    // A child process, so the logger writes to a real stderr exactly as in production.
    const script = `
      import { loadConfig } from './src/config.ts';
      import { createLogger } from './src/logger.ts';
      import { redactUrl } from './src/db/client.ts';
      const config = loadConfig();
      const log = createLogger('trace');
      log.info({ config }, 'nested config');
      log.info(config, 'flat config');
      log.info({ discord: config.discord, slack: config.slack, tmdb: config.tmdb }, 'sections');
      log.info({ headers: { authorization: 'Bearer ' + config.slack.botToken } }, 'outbound call');
      log.error({ err: new Error('cannot reach ' + redactUrl(config.databaseUrl)) }, 'db down');
    `;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, ...sentinels },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(5);
    for (const secret of Object.values(sentinels)) {
      const needle = secret.includes('SENTINEL-db-password') ? 'SENTINEL-db-password' : secret;
      expect(run.stderr).not.toContain(needle);
    }
    expect(run.stderr).toContain('[redacted]');
    expect(run.stdout).toBe('');
  });
});
