import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { movies, ratings, users } from '../../src/db/schema.ts';
import { createTestCore, type TestCore } from '../contract/fixture.ts';
import { DB_KINDS } from '../helpers/db.ts';
import { createDiscordHarness, type DiscordHarness } from './discord-harness.ts';
import { attachmentCommand, commandInteraction, userId } from './gateway-payloads.ts';

describe.each(DB_KINDS)('Discord adapter with the real core (%s)', (kind) => {
  let t: TestCore;
  let h: DiscordHarness;

  beforeAll(async () => {
    t = await createTestCore(kind);
    h = await createDiscordHarness(t.core);
  });
  afterAll(async () => {
    await h?.close();
    await t?.close();
  });

  async function ratingOf(user: string, title: string): Promise<number | null> {
    const [row] = await t.db.db
      .select({ rating: ratings.rating })
      .from(ratings)
      .innerJoin(users, eq(users.id, ratings.userId))
      .innerJoin(movies, eq(movies.id, ratings.movieId))
      .where(and(eq(users.externalId, h.userKey(user)), eq(movies.title, title)));
    return row?.rating ?? null;
  }

  it('answers /recommend with one public page of valid embeds and components', async () => {
    const payload = commandInteraction('ana', 'recommend', []);
    const messages = await h.interact(payload);
    const requests = h.fake.requests.filter((r) => r.path.includes(payload.token));
    // Directly (type 4) when the core answers within the budget, else a public deferral (type 5).
    expect(requests[0]).toMatchObject({ method: 'POST', path: expect.stringContaining('/callback') });
    expect([4, 5]).toContain(requests[0]!.body!.type);
    const pages = messages.filter((m) => m.titles.length > 0);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.titles.length).toBeGreaterThanOrEqual(3);
    expect(pages[0]!.ephemeral).toBe(false);
    expect(h.fake.violations).toEqual([]);
  });

  it('keeps errors and /profile private', async () => {
    const unknown = await h.command('bo', 'movie', 'Zzyzx Qwvvt');
    // `every` holds for an empty list too: the asker must see the error at all.
    expect(unknown.length).toBeGreaterThan(0);
    expect(unknown.every((m) => m.ephemeral)).toBe(true);
    const profile = await h.command('bo', 'profile', '');
    expect(profile.length).toBeGreaterThan(0);
    expect(profile.every((m) => m.ephemeral)).toBe(true);
  });

  it('suggests catalog titles for the title option', async () => {
    const payload = commandInteraction('cy', 'movie', [
      { name: 'title', type: 3, value: 'Hea', focused: true },
    ]);
    await h.interact(payload);
    const callback = h.fake.requests.find((r) => r.path.includes(payload.token))!;
    const choices = (callback.body!.data as { choices: { name: string; value: string }[] }).choices;
    expect(choices.map((c) => c.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^Heat\b/)]));
    expect(choices.length).toBeLessThanOrEqual(25);
  });

  it('a movie-night poll lives: votes edit it with the tally, an outsider is told privately, the last vote closes it', async () => {
    for (const user of ['pollana', 'pollben']) await h.command(user, 'rate', 'Heat 4');
    const started = await h.interact(
      commandInteraction('pollana', 'movienight', [
        { name: 'members', type: 3, value: `<@${userId('pollben')}>` },
      ]),
    );
    const poll = started.find((m) => !m.ephemeral && m.actionIds.some((id) => id.startsWith('mr:vote:')))!;
    expect(poll, 'no poll posted').toBeDefined();
    const votes = poll.actionIds.filter((id) => id.startsWith('mr:vote:'));
    const pollMessage = () => JSON.stringify(h.fake.messages.get(poll.key!.split(':')[2]!));
    expect(pollMessage()).toMatch(/Group prediction/);
    expect(pollMessage()).not.toMatch(/Predicted for you/);

    const outsider = await h.press('pollzed', poll, votes[0]!);
    expect(outsider.length).toBeGreaterThan(0);
    expect(outsider.every((m) => m.ephemeral)).toBe(true);
    expect(outsider.map((m) => m.text).join('\n')).toMatch(/only they vote/);
    expect(pollMessage()).not.toMatch(/Votes: /);

    const ana = await h.press('pollana', poll, votes[0]!);
    expect(
      ana
        .filter((m) => m.ephemeral)
        .map((m) => m.text)
        .join('\n'),
    ).toMatch(/1 of 2 have voted/);
    expect(pollMessage()).toMatch(/Votes: 1 of 2/);

    await h.press('pollben', poll, votes[1]!);
    const closed = h.fake.messages.get(poll.key!.split(':')[2]!)!;
    expect(JSON.stringify(closed)).toMatch(/Voting has closed/);
    const buttons = (closed.components as { components: { custom_id: string; disabled?: boolean }[] }[])
      .flatMap((r) => r.components)
      .filter((c) => c.custom_id.includes('mr:vote:'));
    expect(buttons.length).toBe(votes.length);
    expect(buttons.every((b) => b.disabled === true)).toBe(true);
    expect(h.fake.violations).toEqual([]);
  });

  it('an empty title option offers popular titles (issue 13 item 6), not nothing', async () => {
    const payload = commandInteraction('cy', 'rate', [{ name: 'title', type: 3, value: '', focused: true }]);
    await h.interact(payload);
    const callback = h.fake.requests.find((r) => r.path.includes(payload.token))!;
    const choices = (callback.body!.data as { choices: { name: string; value: string }[] }).choices;
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
  });

  it('a reaction on a card posted before a restart (not in the new client cache) still rates', async () => {
    const [card] = (await h.command('di', 'movie', 'Ronin')).filter((m) => m.titles.length === 1);
    expect(card!.reactions).toEqual(['1️⃣', '2️⃣', '3️⃣', '4️⃣', '5️⃣', '🔖', '🚫']);
    await h.restart();
    await h.react('di', card!, '4️⃣', true);
    expect(await ratingOf('di', 'Ronin')).toBe(4);
    await h.react('di', card!, '4️⃣', false);
    expect(await ratingOf('di', 'Ronin')).toBeNull();
  });

  it('/import fetches the attached export for the core and answers privately', async () => {
    const csv = 'Date,Name,Year,Letterboxd URI,Rating\n2024-01-01,Zodiac,2002,https://boxd.it/x,4.5\n';
    const attachment = h.fake.addAttachment('ratings.csv', csv);
    const messages = await h.interact(attachmentCommand('fay', 'import', 'file', attachment));
    expect(messages.map((m) => m.text).join('\n')).toMatch(/Imported 1 of 1/);
    expect(messages.every((m) => m.ephemeral)).toBe(true);
    expect(await ratingOf('fay', 'Zodiac')).toBe(4.5);
  });

  it('the star select on a single card rates the movie', async () => {
    const [card] = (await h.command('ed', 'movie', 'Heat')).filter((m) => m.titles.length === 1);
    const rate = card!.actionIds.find((id) => id.startsWith('mr:rate:'))!;
    await h.press('ed', card!, rate, '3.5');
    expect(await ratingOf('ed', 'Heat')).toBe(3.5);
  });
});
