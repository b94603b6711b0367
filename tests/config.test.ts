import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

describe('loadConfig', () => {
  it('defaults to the embedded database under ./data and the console only', () => {
    const config = loadConfig({}, '/srv/movierec');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.home).toBe(path.resolve('/srv/movierec/data'));
    expect(config.discord).toBeUndefined();
    expect(config.slack).toBeUndefined();
    expect(config.tmdb).toBeUndefined();
    expect(config.port).toBe(3000);
  });

  it('selects a Postgres server from DATABASE_URL and resolves MOVIEREC_HOME', () => {
    const config = loadConfig(
      { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test', MOVIEREC_HOME: 'var/mr' },
      '/srv',
    );
    expect(config.databaseUrl).toBe('postgres://postgres@127.0.0.1:5432/test');
    expect(config.home).toBe(path.resolve('/srv/var/mr'));
  });

  it('trains on 1 worker thread unless TRAIN_THREADS says otherwise (0: the main thread)', () => {
    expect(loadConfig({}).trainThreads).toBe(1);
    expect(loadConfig({ TRAIN_THREADS: '0' }).trainThreads).toBe(0);
  });

  it('takes METRICS_TOKEN for /metrics, refusing one too short to guard it', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: 'a-long-enough-secret' }).metricsToken).toBe('a-long-enough-secret');
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ DATABASE_URL: '', DISCORD_TOKEN: '  ' });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.discord).toBeUndefined();
  });

  it.each([
    [{ DATABASE_URL: 'mysql://root@localhost/db' }, 'DATABASE_URL'],
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ RATE_LIMIT_PER_MINUTE: '0' }, 'RATE_LIMIT_PER_MINUTE'],
    [{ TRAIN_THREADS: '-1' }, 'TRAIN_THREADS'],
    [{ TRAIN_THREADS: 'many' }, 'TRAIN_THREADS'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_SIGNING_SECRET'],
  ])('fails fast naming the malformed variable: %j', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });

  it('lists every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/LOG_LEVEL/);
    }
  });

  it('configures Slack in HTTP mode with a signing secret and Socket Mode with an app token', () => {
    const http = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' });
    expect(http.slack).toMatchObject({ botToken: 'xoxb-1', signingSecret: 's', appToken: undefined });
    const socket = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' });
    expect(socket.slack?.appToken).toBe('xapp-1');
  });

  it('configures Discord and TMDB only when their credentials are present', () => {
    const config = loadConfig({ DISCORD_TOKEN: 't', DISCORD_APP_ID: '1', TMDB_READ_TOKEN: 'r' });
    expect(config.discord).toEqual({ token: 't', appId: '1', apiUrl: undefined });
    expect(config.tmdb?.readToken).toBe('r');
  });
});
