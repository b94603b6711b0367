import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotCore, CommandEvent, MovieCard, Reply } from '../../src/bot/types.ts';
import { importImdb } from '../../src/catalog/imdb-import.ts';
import { createTestCore, type TestCore } from '../contract/fixture.ts';
import { DB_KINDS } from '../helpers/db.ts';
import { IMDB_FIXTURE_DIR } from './imdb-fixture.ts';

/**
 * Issue 14's "done when": after `import imdb --from DIR` on the hand-written fixture (official format,
 * with series, episodes, shorts, adult titles and `\N`), people, runtimes and 2023 films answer through
 * the real core, as a user asks for them.
 */
describe.each(DB_KINDS)('requests about people, length and new films after an IMDb import (%s)', (kind) => {
  let t: TestCore;
  let core: BotCore;
  let seq = 0;
  const ask = async (command: string, text: string): Promise<Reply> => {
    const event: CommandEvent = {
      type: 'command',
      id: `imdb-${++seq}`,
      actor: { userKey: 'console:ivy', platform: 'console', tenant: 'local' },
      channel: { key: 'console:local:main', platform: 'console', tenant: 'local' },
      command,
      text,
    };
    const replies = await core.handle(event);
    expect(replies.length, `${command} ${text}`).toBeGreaterThan(0);
    return replies[0]!;
  };
  const people = (c: MovieCard) => [...c.directors, ...c.cast];

  beforeAll(async () => {
    t = await createTestCore(kind);
    await importImdb(t.db.db, IMDB_FIXTURE_DIR, { minVotes: 1_000 });
    // A fresh core sees the imported films (a running bot notices them through the catalog watch).
    core = t.restart();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('"movies with Tom Hanks" lists his films first and says how many there are', async () => {
    const reply = await ask('recommend', 'movies with Tom Hanks');
    const cards = reply.cards ?? [];
    const his = cards.filter((c) => people(c).includes('Tom Hanks'));
    expect(his.map((c) => c.title).sort()).toEqual(['Cast Away', 'Forrest Gump', 'Toy Story']);
    // His films lead the list; anything after them is announced as other films.
    expect(cards.slice(0, his.length).every((c) => people(c).includes('Tom Hanks'))).toBe(true);
    expect(reply.text).toMatch(/Only 3 films fit \(films with Tom Hanks\)/);
  });

  it('"something by Christopher Nolan" lists films he directed first', async () => {
    const cards = (await ask('recommend', 'something by Christopher Nolan')).cards ?? [];
    const nolan = ['Inception', 'Memento', 'Oppenheimer', 'The Dark Knight', 'The Prestige'];
    expect(
      cards
        .slice(0, nolan.length)
        .map((c) => c.title)
        .sort(),
    ).toEqual(nolan);
    for (const c of cards.slice(0, nolan.length)) expect(c.directors).toContain('Christopher Nolan');
  });

  it('"a comedy under 100 minutes" never shows a comedy known to be longer', async () => {
    const cards = (await ask('recommend', 'a comedy under 100 minutes')).cards ?? [];
    expect(cards.length).toBeGreaterThan(0);
    for (const c of cards) {
      expect(c.genres).toContain('Comedy');
      if (c.runtime !== null) expect(c.runtime).toBeLessThanOrEqual(100);
    }
    // The comedies whose IMDb runtime fits (81, 92, 96 min) come before any whose length is unknown.
    const known = cards.filter((c) => c.runtime !== null).map((c) => c.title);
    expect(known.sort()).toEqual(['Beetlejuice', 'Toy Story', 'Vicky Cristina Barcelona']);
    expect(cards.slice(0, 3).every((c) => c.runtime !== null)).toBe(true);
  });

  it('/search Nolan finds his films, and only films with him', async () => {
    const cards = (await ask('search', 'Nolan')).cards ?? [];
    expect(cards.map((c) => c.title)).toEqual(
      expect.arrayContaining(['Inception', 'Memento', 'Oppenheimer', 'The Dark Knight', 'The Prestige']),
    );
    for (const c of cards) expect(people(c)).toContain('Christopher Nolan');
  });

  it('/movie Oppenheimer shows a 2023 film with its director, cast and runtime', async () => {
    const [card] = (await ask('movie', 'Oppenheimer')).cards ?? [];
    expect(card).toMatchObject({ title: 'Oppenheimer', year: 2023, runtime: 180 });
    expect(card!.directors).toEqual(['Christopher Nolan']);
    expect(card!.cast).toContain('Cillian Murphy');
  });

  it('"something from 2023" lists the 2023 films first', async () => {
    const reply = await ask('recommend', 'something from 2023');
    const cards = reply.cards ?? [];
    const of2023 = cards.filter((c) => c.year === 2023).map((c) => c.title);
    expect(of2023.sort()).toEqual(['Oppenheimer', 'Spider-Man: Across the Spider-Verse']);
    expect(cards.slice(0, 2).every((c) => c.year === 2023)).toBe(true);
  });
});
