import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MovieCard } from '../../src/bot/types.ts';
import { movies, ratings, users } from '../../src/db/schema.ts';
import type { DbKind } from '../helpers/db.ts';
import { createTestCore, type TestCore } from './fixture.ts';
import type { AdapterHarness, AdapterHarnessFactory, RenderedMessage } from './harness.ts';

/** Creating a test database and training the fixture model takes minutes on a loaded 2-core machine. */
const SETUP_TIMEOUT_MS = 300_000;

/** The core's per-movie action ids (`mr:<verb>:<movieId>`), found inside whatever the platform wraps them in. */
function movieActions(message: RenderedMessage, verb: string): { actionId: string; movieId: number }[] {
  return message.actionIds.flatMap((actionId) => {
    const m = new RegExp(`(?:^|[^a-z])mr:${verb}:(\\d+)$`).exec(actionId);
    return m ? [{ actionId, movieId: Number(m[1]) }] : [];
  });
}

function listOf(messages: RenderedMessage[]): RenderedMessage {
  const list = messages.find((m) => m.titles.length >= 3);
  if (!list) throw new Error(`no list among: ${messages.map((m) => m.text).join(' | ')}`);
  return list;
}

function singleCard(messages: RenderedMessage[]): RenderedMessage {
  const card = messages.find((m) => m.titles.length === 1 && m.key);
  if (!card) throw new Error(`no single-movie card among: ${messages.map((m) => m.text).join(' | ')}`);
  return card;
}

/**
 * The suite every platform adapter passes (console, Discord, Slack): a real core over a test database
 * with a small synthetic catalog, driven only through the adapter's harness.
 */
export function adapterContract(
  name: string,
  factory: AdapterHarnessFactory,
  options: { dbKinds?: DbKind[] } = {},
) {
  describe.each(options.dbKinds ?? (['pglite'] as DbKind[]))(`${name} adapter contract (%s)`, (kind) => {
    let t: TestCore;
    let h: AdapterHarness;
    beforeAll(async () => {
      t = await createTestCore(kind);
      h = await factory(t.core);
    }, SETUP_TIMEOUT_MS);
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

    async function titleOf(movieId: number): Promise<string> {
      const [row] = await t.db.db.select({ title: movies.title }).from(movies).where(eq(movies.id, movieId));
      return row!.title;
    }

    /** The list's single "pick a movie" select (`mr:card`), however the platform wraps its id. */
    function pickSelect(list: RenderedMessage): string {
      const picks = list.actionIds.filter((id) => /(?:^|[^a-z])mr:card$/.test(id));
      expect(picks).toHaveLength(1);
      return picks[0]!;
    }

    async function idOf(title: string): Promise<number> {
      const [row] = await t.db.db.select({ id: movies.id }).from(movies).where(eq(movies.title, title));
      return row!.id;
    }

    /** Picks `title` in a list's select: the private answer with that movie's own buttons. */
    async function pickMovie(user: string, list: RenderedMessage, title: string) {
      const movieId = await idOf(title);
      const answer = await h.press(user, list, pickSelect(list), String(movieId));
      const detail = answer.find((m) => m.titles.length === 1);
      if (!detail) throw new Error(`no card for ${title} among: ${answer.map((m) => m.text).join(' | ')}`);
      return { detail, movieId };
    }

    it('/recommend renders a page as one message: titled cards, one "pick a movie" select, More', async () => {
      const list = listOf(await h.command('ana', 'recommend', ''));
      expect(list.titles.length).toBeGreaterThanOrEqual(3);
      for (const title of list.titles) expect(list.text).toContain(title);
      // No per-card buttons on a page (Discord allows 5 action rows, and 5 cards with 2 rows each would
      // split the page): one select picks the movie, its buttons come in the private answer.
      expect(movieActions(list, 'seen')).toEqual([]);
      expect(list.actionIds.filter((id) => /(?:^|[^a-z])mr:more:/.test(id))).toHaveLength(1);
      const { detail, movieId } = await pickMovie('ana', list, list.titles[1]!);
      expect(detail.ephemeral).toBe(true);
      expect(movieActions(detail, 'seen').map((a) => a.movieId)).toEqual([movieId]);
      expect(movieActions(detail, 'no').map((a) => a.movieId)).toEqual([movieId]);
    });

    it('seen and not-interested keep a movie out of the next lists', async () => {
      const list = listOf(await h.command('bo', 'recommend', ''));
      const first = await pickMovie('bo', list, list.titles[0]!);
      const second = await pickMovie('bo', list, list.titles[1]!);
      await h.press('bo', first.detail, movieActions(first.detail, 'no')[0]!.actionId);
      await h.press('bo', second.detail, movieActions(second.detail, 'seen')[0]!.actionId);
      const hidden = [await titleOf(first.movieId), await titleOf(second.movieId)];
      for (let round = 0; round < 2; round++) {
        const next = listOf(await h.command('bo', 'recommend', ''));
        for (const title of hidden) expect(next.titles).not.toContain(title);
        expect(next.titles.length).toBeGreaterThanOrEqual(3);
      }
    });

    it('More pressed by another member continues the list for them, privately', async () => {
      const list = listOf(await h.command('ana', 'recommend', ''));
      const more = list.actionIds.find((id) => /(?:^|[^a-z])mr:more:/.test(id))!;
      const theirs = await h.press('hu', list, more);
      const page = theirs.find((m) => m.titles.length > 0);
      expect(theirs.map((m) => m.text).join('\n')).not.toMatch(/no list to continue/i);
      expect(page?.ephemeral).toBe(true);
      for (const title of page!.titles) expect(list.titles).not.toContain(title);
    });

    it('a rating reaction on a single-movie card stores a rating; removing it restores the old one', async () => {
      await h.command('cy', 'rate', 'Heat 3');
      expect(await ratingOf('cy', 'Heat')).toBe(3);
      const card = singleCard(await h.command('cy', 'movie', 'Heat'));
      expect(card.titles).toEqual(['Heat']);
      await h.react('cy', card, '5️⃣', true);
      expect(await ratingOf('cy', 'Heat')).toBe(5);
      await h.react('cy', card, '5️⃣', false);
      expect(await ratingOf('cy', 'Heat')).toBe(3);
      const fresh = singleCard(await h.command('cy', 'movie', 'Ronin'));
      await h.react('cy', fresh, '4️⃣', true);
      expect(await ratingOf('cy', 'Ronin')).toBe(4);
      await h.react('cy', fresh, '4️⃣', false);
      expect(await ratingOf('cy', 'Ronin')).toBeNull();
    });

    it('a repeated delivery id counts once', async () => {
      await h.command('di', 'rate', 'Drive 2');
      const card = singleCard(await h.command('di', 'movie', 'Drive'));
      await h.react('di', card, '4️⃣', true, { deliveryId: 'delivery-1' });
      await h.react('di', card, '4️⃣', true, { deliveryId: 'delivery-1' });
      expect(await ratingOf('di', 'Drive')).toBe(4);
      await h.react('di', card, '4️⃣', false, { deliveryId: 'delivery-2' });
      expect(await ratingOf('di', 'Drive')).toBe(2);
      // A late retry of the first delivery must not re-apply the removed reaction.
      await h.react('di', card, '4️⃣', true, { deliveryId: 'delivery-1' });
      expect(await ratingOf('di', 'Drive')).toBe(2);
    });

    it('an unknown title gets a friendly message', async () => {
      const replies = await h.command('ed', 'movie', 'Zzyzx Qwvvt');
      const text = replies.map((m) => m.text).join('\n');
      expect(text).toMatch(/couldn.t find/i);
      expect(text).toContain('Zzyzx Qwvvt');
      expect(text).not.toMatch(/error|exception|stack/i);
      expect(replies.every((m) => m.titles.length === 0)).toBe(true);
    });

    it('postToChannel posts a message the bot starts itself; its card rates by reaction', async () => {
      const [heat] = await t.db.db
        .select({ id: movies.id, year: movies.year })
        .from(movies)
        .where(eq(movies.title, 'Heat'));
      const card: MovieCard = {
        movieId: heat!.id,
        title: 'Heat',
        year: heat!.year,
        genres: ['Crime'],
        directors: [],
        cast: [],
        runtime: null,
        predictedStars: null,
        userRating: null,
        reason: 'Movie night winner',
        actions: [],
      };
      const { ok, messages } = await h.post('gi', {
        text: "🍿 Time's up! Movie night is **Heat**.",
        cards: [card],
        rateByReaction: true,
      });
      expect(ok).toBe(true);
      const shown = singleCard(messages);
      expect(shown.ephemeral).toBe(false);
      expect(shown.text).toContain('Movie night is');
      expect(shown.titles).toEqual(['Heat']);
      await h.react('gi', shown, '4️⃣', true);
      expect(await ratingOf('gi', 'Heat')).toBe(4);
      // A private reply has nobody to be shown to: nothing is posted.
      expect(await h.post('gi', { text: 'only for you', ephemeral: true })).toEqual({
        ok: false,
        messages: [],
      });
    });

    it('/help lists the commands', async () => {
      const text = (await h.command('fa', 'help', '')).map((m) => m.text).join('\n');
      for (const command of [
        '/recommend',
        '/rate',
        '/movie',
        '/similar',
        '/search',
        '/watchlist',
        '/profile',
        '/forget-me',
      ]) {
        // Slack namespaces commands as `/movierec <command>`; only /recommend and /rate stand alone there.
        expect(text).toMatch(new RegExp(`/(movierec )?${command.slice(1)}\\b`));
      }
    });
  });
}
