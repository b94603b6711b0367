import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buttonCustomId,
  decodeComponent,
  menuCustomId,
  menuOptionValue,
  selectCustomId,
} from '../../adapters/discord/custom-id.ts';
import { type DiscordMessagePayload, RATING_REACTIONS, renderReply } from '../../adapters/discord/render.ts';
import { truncate } from '../../adapters/discord/text.ts';
import { ACTION_ID_MAX, type Action, type MovieCard, type Reply } from '../../src/bot/types.ts';
import { validateMessagePayload } from './validate-payload.ts';

/** Strings that stress limits: huge, empty, blank, emoji sequences, combining marks, RTL, lone surrogates. */
const oddText = (maxLength: number) =>
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.constantFrom(
      '',
      '   ',
      '\n\n',
      '@everyone',
      '<@123456789012345678>',
      '👨‍👩‍👧‍👦'.repeat(300),
      'é'.repeat(5000),
    ),
    fc.string({
      unit: fc.constantFrom('a', ' ', '\n', '👍🏽', '\u0301', 'ש', '\uD800', '_', '*'),
      maxLength,
    }),
  );

const actionId = fc.string({ minLength: 1, maxLength: ACTION_ID_MAX });
const starOptions = fc.constant(
  ['1', '2', '3', '4', '5', '4.5'].map((value) => ({ label: `${value} ★`, value })),
);
const button: fc.Arbitrary<Action> = fc.record(
  { id: actionId, label: oddText(200), style: fc.constantFrom('primary', 'secondary', 'danger') },
  { requiredKeys: ['id', 'label'] },
);
const starSelect: fc.Arbitrary<Action> = fc.record({
  id: actionId,
  label: oddText(200),
  options: starOptions,
});
/** Like the core's cards: a few buttons (seen, not interested, watchlist) and at most one star select. */
const cardActions = fc
  .tuple(fc.array(button, { maxLength: 4 }), fc.option(starSelect, { nil: undefined }))
  .map(([buttons, stars]) => (stars ? [...buttons, stars] : buttons));

const card: fc.Arbitrary<MovieCard> = fc.record({
  movieId: fc.nat(),
  title: oddText(6000),
  year: fc.option(fc.integer({ min: 1880, max: 2030 })),
  genres: fc.array(oddText(300), { maxLength: 30 }),
  directors: fc.array(oddText(300), { maxLength: 4 }),
  cast: fc.array(oddText(500), { maxLength: 30 }),
  runtime: fc.option(fc.integer({ min: -5, max: 600 })),
  overview: fc.option(oddText(8000)),
  posterUrl: fc.option(fc.oneof(fc.webUrl(), fc.string())),
  url: fc.option(fc.oneof(fc.webUrl(), fc.string(), fc.constant(`https://x.org/${'a'.repeat(3000)}`))),
  trailerUrl: fc.option(fc.webUrl()),
  providers: fc.array(oddText(100), { maxLength: 40 }),
  predictedStars: fc.option(fc.double({ min: 0, max: 5, noNaN: true })),
  userRating: fc.option(fc.constantFrom(0.5, 1, 2.5, 4, 5)),
  reason: oddText(3000),
  label: fc.option(oddText(400), { nil: undefined }),
  rank: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
  actions: cardActions,
});

const reply: fc.Arbitrary<Reply> = fc.record(
  {
    text: oddText(9000),
    cards: fc.array(card, { maxLength: 40 }),
    actions: fc.array(button, { maxLength: 14 }),
    ephemeral: fc.boolean(),
    rateByReaction: fc.boolean(),
  },
  { requiredKeys: ['text'] },
);

function asBody(p: DiscordMessagePayload) {
  return { ...p, attachments: p.files?.map((f, id) => ({ id, filename: f.name })) };
}

/** Every action reachable from a payload, decoded the way the adapter decodes interactions. */
function reachable(p: DiscordMessagePayload): { actionId: string; value?: string }[] {
  const out: { actionId: string; value?: string }[] = [];
  for (const row of p.components) {
    for (const c of row.components) {
      if (c.type === 2 && 'custom_id' in c) out.push(decodeComponent(c.custom_id)!);
      if (c.type === 3) for (const o of c.options) out.push(decodeComponent(c.custom_id, [o.value])!);
    }
  }
  return out;
}

describe('renderReply', () => {
  it('produces only payloads Discord accepts, whatever the data', () => {
    fc.assert(
      fc.property(reply, (r) => {
        const parts = renderReply(r);
        expect(parts.length).toBeGreaterThan(0);
        for (const part of parts) {
          expect(validateMessagePayload(asBody(part.payload))).toEqual([]);
          expect(part.payload.allowed_mentions).toEqual({ parse: [] });
          expect(part.ephemeral).toBe(r.ephemeral === true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('shows a list page in one message: cards in order (up to 10), every verb of a 5-card page reachable', () => {
    fc.assert(
      fc.property(reply, (r) => {
        const parts = renderReply(r);
        const cards = r.cards ?? [];
        const withCards = parts.filter((p) => p.payload.embeds.length > 0);
        expect(withCards.length).toBe(cards.length > 0 ? 1 : 0);
        expect(parts.flatMap((p) => p.reply.cards ?? [])).toEqual(cards.slice(0, 10));
        const got = parts.flatMap((p) => reachable(p.payload));
        const messageButtons = (r.actions ?? []).length;
        if (cards.length <= 1 || (cards.length <= 5 && messageButtons <= 5)) {
          for (const a of cards.flatMap((c) => c.actions))
            if (!a.options) expect(got).toContainEqual({ actionId: a.id });
        }
        if (cards.length <= 1) {
          for (const a of cards.flatMap((c) => c.actions))
            for (const o of a.options ?? []) expect(got).toContainEqual({ actionId: a.id, value: o.value });
        }
        for (const a of r.actions ?? [])
          expect(reachable(parts.at(-1)!.payload)).toContainEqual({ actionId: a.id });
      }),
      { numRuns: 50 },
    );
  });

  it("numbers a page from the cards' own ranks (#6–#10 on page 2) and rates by menu", () => {
    const page = [6, 7, 8, 9, 10].map(
      (rank): MovieCard => ({
        movieId: rank,
        title: `Film ${rank}`,
        year: 2000,
        genres: [],
        directors: [],
        cast: [],
        runtime: null,
        predictedStars: 4,
        userRating: null,
        reason: 'r',
        rank,
        actions: [
          { id: `mr:seen:${rank}`, label: 'Seen it' },
          { id: `mr:wl:${rank}`, label: 'Watchlist' },
          { id: `mr:no:${rank}`, label: 'Not interested' },
          {
            id: `mr:rate:${rank}`,
            label: 'Rate',
            options: ['5', '4', '3', '2', '1'].map((v) => ({ label: v, value: v })),
          },
        ],
      }),
    );
    const parts = renderReply({
      text: 'Page 2',
      cards: page,
      actions: [
        {
          id: 'mr:pick',
          label: 'Pick',
          options: page.map((c) => ({ label: c.title, value: String(c.movieId) })),
        },
        { id: 'mr:more', label: 'More' },
      ],
    });
    expect(parts).toHaveLength(1);
    const payload = parts[0]!.payload;
    expect(payload.components.length).toBeLessThanOrEqual(5);
    expect(payload.embeds.map((e) => e.footer?.text)).toEqual(['#6', '#7', '#8', '#9', '#10']);
    const labels = payload.components.flatMap((r) =>
      r.components.flatMap((c) => (c.type === 3 ? c.options.map((o) => o.label) : [])),
    );
    expect(labels[0]).toBe('#6 Film 6 (2000): Seen it');
    expect(labels).toContain('#10 Film 10 (2000): Rate 5');
    expect(reachable(payload)).toContainEqual({ actionId: 'mr:rate:8', value: '3' });
    expect(reachable(payload)).toContainEqual({ actionId: 'mr:more' });
    expect(validateMessagePayload(asBody(payload))).toEqual([]);
  });

  it('names whose prediction and rating a card shows, and shows director, cast and runtime', () => {
    const base: MovieCard = {
      movieId: 1,
      title: 'Heat',
      year: 1995,
      genres: ['Crime'],
      directors: ['Michael Mann'],
      cast: ['Al Pacino', 'Robert De Niro'],
      runtime: 170,
      predictedStars: 3.5,
      userRating: 4,
      reason: 'r',
      actions: [],
    };
    const fields = (c: MovieCard) =>
      (renderReply({ text: '', cards: [c] })[0]!.payload.embeds[0]!.fields ?? []).map(
        (f) => `${f.name}: ${f.value}`,
      );
    expect(fields({ ...base, predictionFor: { kind: 'person', name: 'Ana' }, ratingBy: 'Ana' })).toEqual(
      expect.arrayContaining(['Predicted for Ana: ≈ ★★★½☆ 3.5', 'Ana rated: ★★★★☆ 4.0']),
    );
    expect(fields({ ...base, predictionFor: { kind: 'group' } })[0]).toMatch(/^Group prediction: /);
    expect(fields({ ...base, predictionFor: { kind: 'average' } })[0]).toMatch(/^Average rating: /);
    expect(fields(base)).toEqual(
      expect.arrayContaining([
        'Predicted for you: ≈ ★★★½☆ 3.5',
        'Your rating: ★★★★☆ 4.0',
        'Director: Michael Mann',
        'Cast: Al Pacino, Robert De Niro',
        'Runtime: 2 h 50 min',
      ]),
    );
  });

  it('renders disabled actions as disabled buttons (a closed poll)', () => {
    const [part] = renderReply({
      text: 'Poll closed',
      actions: [
        { id: 'vote:1', label: 'Heat', disabled: true },
        { id: 'vote:2', label: 'Ronin', disabled: true },
      ],
    });
    const buttons = part!.payload.components.flatMap((r) => r.components);
    expect(buttons.map((b) => (b as { disabled?: boolean }).disabled)).toEqual([true, true]);
  });

  it('keeps the year when a huge title is shortened', () => {
    const base: MovieCard = {
      movieId: 1,
      title: 'A'.repeat(10_000),
      year: 1999,
      genres: ['Drama'],
      directors: [],
      cast: [],
      runtime: null,
      predictedStars: 4.2,
      userRating: null,
      reason: 'Because you liked Heat',
      actions: [],
    };
    const [part] = renderReply({ text: '', cards: [base] });
    const title = part!.payload.embeds[0]!.title!;
    expect(title.length).toBeLessThanOrEqual(256);
    expect(title.endsWith('… (1999)')).toBe(true);
  });

  it('adds rating reactions only to a public single-movie card', () => {
    const one: MovieCard = {
      movieId: 7,
      title: 'Heat',
      year: 1995,
      genres: [],
      directors: ['Michael Mann'],
      cast: ['Al Pacino'],
      runtime: 170,
      predictedStars: null,
      userRating: 4,
      reason: 'Popular',
      actions: [{ id: 'seen:7', label: 'Seen it' }],
    };
    expect(renderReply({ text: '', cards: [one], rateByReaction: true })[0]!.reactions).toEqual([
      ...RATING_REACTIONS,
    ]);
    expect(
      renderReply({ text: '', cards: [one], rateByReaction: true, ephemeral: true })[0]!.reactions,
    ).toEqual([]);
    expect(
      renderReply({ text: '', cards: [one, { ...one, movieId: 8 }], rateByReaction: true })[0]!.reactions,
    ).toEqual([]);
  });
});

describe('validateMessagePayload (the oracle above)', () => {
  it('flags what Discord rejects', () => {
    const ok = { content: 'hi', embeds: [{ title: 'T' }], components: [], allowed_mentions: { parse: [] } };
    expect(validateMessagePayload(ok)).toEqual([]);
    expect(validateMessagePayload({ ...ok, embeds: [{ title: 'x'.repeat(257) }] })).not.toEqual([]);
    expect(validateMessagePayload({ ...ok, allowed_mentions: undefined })).not.toEqual([]);
    const button = { type: 2, style: 2, label: 'a', custom_id: 'same' };
    expect(
      validateMessagePayload({ ...ok, components: [{ type: 1, components: [button, button] }] }),
    ).not.toEqual([]);
    const six = Array.from({ length: 6 }, (_, i) => ({
      type: 1,
      components: [{ ...button, custom_id: `${i}` }],
    }));
    expect(validateMessagePayload({ ...ok, components: six })).not.toEqual([]);
    const big = Array.from({ length: 2 }, () => ({ description: 'd'.repeat(3001) }));
    expect(validateMessagePayload({ ...ok, embeds: big })).not.toEqual([]);
  });
});

describe('truncate', () => {
  it('never exceeds the limit nor splits a grapheme', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.integer({ min: 1, max: 300 }),
        (s, max) => {
          const out = truncate(s, max);
          expect(out.length).toBeLessThanOrEqual(max);
          if (out.length < s.length && out.endsWith('…')) {
            const kept = out.slice(0, -1);
            expect(s.startsWith(kept)).toBe(true);
            const graphemes = [...new Intl.Segmenter().segment(s)].map((g) => g.segment);
            const boundaries = new Set([0]);
            let length = 0;
            for (const g of graphemes) {
              length += g.length;
              boundaries.add(length);
            }
            expect(boundaries.has(kept.length)).toBe(true);
          }
        },
      ),
    );
  });
});

describe('custom ids', () => {
  it('bring every action id and value back unchanged, and fit in 100 characters', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: ACTION_ID_MAX }),
        fc.option(fc.string({ minLength: 1, maxLength: 5 }), { nil: undefined }),
        (id, value) => {
          const button = buttonCustomId(id)!;
          expect(button.length).toBeLessThanOrEqual(100);
          expect(decodeComponent(button)).toEqual({ actionId: id });
          const select = selectCustomId(id)!;
          expect(decodeComponent(select, [value ?? 'v'])).toEqual({ actionId: id, value: value ?? 'v' });
          const encoded = menuOptionValue(id, value)!;
          expect(encoded.length).toBeLessThanOrEqual(100);
          expect(decodeComponent(menuCustomId(3), [encoded])).toEqual(
            value === undefined ? { actionId: id } : { actionId: id, value },
          );
        },
      ),
    );
    expect(decodeComponent('someone-elses-button')).toBeUndefined();
  });
});
