import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotEvent, ChannelRef, MovieCard, Reply } from '../../src/bot/types.ts';
import { createTestCore, FIXTURE_MOVIES, type TestCore } from '../contract/fixture.ts';

/** Creating a test database and training the fixture model takes minutes on a loaded 2-core machine. */
const SETUP_TIMEOUT_MS = 300_000;

const channel: ChannelRef = { key: 'discord:G1:C1', platform: 'discord', tenant: 'G1' };
let seq = 0;
const command = (user: string, name: string, text = ''): BotEvent =>
  ({
    type: 'command',
    id: `lq${++seq}`,
    actor: { userKey: `discord:G1:${user}`, platform: 'discord', tenant: 'G1' },
    channel,
    command: name,
    text,
  }) as BotEvent;

/** Every card of a user's list, first page and every "more" page. */
async function wholeList(t: TestCore, user: string): Promise<{ cards: MovieCard[]; first: Reply }> {
  const [first] = await t.core.handle(command(user, 'recommend'));
  const cards = [...(first!.cards ?? [])];
  for (let page = 0; page < 20; page++) {
    const [more] = await t.core.handle(command(user, 'more'));
    if (!more?.cards?.length) break;
    cards.push(...more.cards);
  }
  return { cards, first: first! };
}

describe('personal lists a fan would accept (issue 15, item 2), through the bot', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await createTestCore('pglite');
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('never shows a film the bot predicts the user would rate below 3★', async () => {
    // The fixture's raters love their own cluster and rate the others 1.5–2.5★.
    for (const title of ['Alien', 'Stalker', 'Gattaca']) {
      await t.core.handle(command('fan', 'rate', `${title} 5`));
    }
    const { cards, first } = await wholeList(t, 'fan');
    expect(cards.length).toBeGreaterThan(0);
    for (const c of cards) {
      if (c.predictedStars !== null) expect(c.predictedStars).toBeGreaterThanOrEqual(3);
      // A personal prediction, named as the fan's (not an average passed off as one).
      expect(c.predictionFor?.kind).toBe('person');
    }
    // Fewer picks: the films the bot expects the fan to dislike are not shown at all.
    expect(cards.length).toBeLessThan(FIXTURE_MOVIES.length - 3);
    expect(first.text).toMatch(/3 ratings/);
  });

  it('orders each page by the predictions its cards show', async () => {
    const [first] = await t.core.handle(command('fan', 'recommend'));
    const shown = (first!.cards ?? []).map((c) => c.predictedStars ?? Number.NEGATIVE_INFINITY);
    expect(shown).toEqual([...shown].sort((a, b) => b - a));
  });

  it('shows a user without ratings averages labelled as such, not predictions "for you"', async () => {
    const [first] = await t.core.handle(command('newcomer', 'recommend'));
    const cards = first!.cards ?? [];
    expect(cards.length).toBeGreaterThan(0);
    for (const c of cards) expect(c.predictionFor).toEqual({ kind: 'average' });
  });
});
