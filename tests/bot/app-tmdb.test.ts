import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.ts';
import type { CommandEvent } from '../../src/bot/types.ts';
import { loadConfig } from '../../src/config.ts';

const fixture = (name: string) =>
  JSON.parse(fs.readFileSync(new URL(`../tmdb/fixtures/${name}`, import.meta.url), 'utf8'));
const API = 'http://tmdb.test/3';

let tmdbStatus = 200;
const server = setupServer(
  http.get(`${API}/search/movie`, () =>
    tmdbStatus === 200
      ? HttpResponse.json(fixture('search-matrix.json'))
      : new HttpResponse(null, { status: tmdbStatus }),
  ),
  http.get(`${API}/movie/:id`, () =>
    tmdbStatus === 200
      ? HttpResponse.json(fixture('movie-603.json'))
      : new HttpResponse(null, { status: tmdbStatus }),
  ),
);

function movieCommand(user: string, title: string): CommandEvent {
  return {
    type: 'command',
    id: `${user}-${Math.random()}`,
    actor: { userKey: `console:${user}`, platform: 'console', tenant: 'local' },
    channel: { key: 'console:local:chat', platform: 'console', tenant: 'local' },
    command: 'movie',
    text: title,
  };
}

describe('the composed app with TMDB configured', () => {
  let app: App;
  let home: string;
  beforeAll(async () => {
    server.listen({ onUnhandledRequest: 'error' });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-app-tmdb-'));
    const config = loadConfig({ MOVIEREC_HOME: home, TMDB_API_KEY: 'k', TMDB_API_URL: API });
    app = await createApp(config, pino({ level: 'silent' }));
  });
  afterAll(async () => {
    await app?.close();
    server.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('still renders the card, without TMDB fields, when TMDB answers 401', async () => {
    tmdbStatus = 401;
    const [reply] = await app.core.handle(movieCommand('ben', 'the matrix'));
    expect(reply?.cards?.[0]?.title).toMatch(/Matrix/);
    expect(reply?.cards?.[0]?.posterUrl ?? null).toBeNull();
  });

  it('puts the poster and trailer on cards when TMDB answers', async () => {
    tmdbStatus = 200;
    const [reply] = await app.core.handle(movieCommand('ana', 'the matrix'));
    const card = reply?.cards?.[0];
    expect(card?.title).toMatch(/Matrix/);
    expect(card?.posterUrl).toContain('/p96dm7sCMn4VYAStA6siNz30G1r.jpg');
    expect(card?.trailerUrl).toMatch(/^https:\/\/www\.youtube\.com\/watch\?v=\w+/);
  });
});
