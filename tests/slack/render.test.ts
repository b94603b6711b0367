import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeSlack, toMrkdwn, withLocalTime } from '../../adapters/slack/mrkdwn.ts';
import { cardText, renderHomeView, renderReply } from '../../adapters/slack/render.ts';
import type { Action, MovieCard, Reply } from '../../src/bot/types.ts';
import { blockKitViolations, DOC_HOME_BLOCKS, DOC_MESSAGE_BLOCKS } from './block-limits.ts';

/** Strings that try to break out: mentions, links, entities, markup, astral characters. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.constantFrom(
    '<!channel>',
    '<!here|here>',
    '@everyone look',
    '<@U123>',
    '<#C1|general>',
    '&amp; &lt;',
    '<https://evil.example|click>',
    '*bold* _it_ ~s~',
    '[x](javascript:alert(1))',
    '😀'.repeat(60),
    '',
    '   ',
  ),
  fc.string({ minLength: 2000, maxLength: 5000 }),
);

const actionArb: fc.Arbitrary<Action> = fc.record(
  {
    id: fc.oneof(fc.string({ maxLength: 90 }), fc.string({ minLength: 200, maxLength: 400 })),
    label: nasty,
    style: fc.constantFrom('primary', 'secondary', 'danger'),
    disabled: fc.boolean(),
    options: fc.array(
      fc.record({
        label: nasty,
        value: fc.oneof(fc.string({ maxLength: 10 }), fc.string({ maxLength: 300 })),
      }),
      { maxLength: 130 },
    ),
  },
  { requiredKeys: ['id', 'label'] },
);

const urlArb = fc.oneof(
  fc.webUrl(),
  fc.constantFrom('javascript:alert(1)', 'not a url', 'https://x.example/a b|c<d>', null),
  fc.string({ maxLength: 50 }).map((s) => `https://img.example/${'p'.repeat(3100)}${s}`),
);

const cardArb: fc.Arbitrary<MovieCard> = fc.record({
  movieId: fc.integer({ min: 1, max: 1e9 }),
  title: nasty,
  year: fc.option(fc.integer({ min: 1870, max: 2100 })),
  genres: fc.array(nasty, { maxLength: 30 }),
  directors: fc.array(nasty, { maxLength: 10 }),
  cast: fc.array(nasty, { maxLength: 40 }),
  runtime: fc.option(fc.integer({ min: 1, max: 900 })),
  overview: fc.option(nasty),
  posterUrl: urlArb,
  url: urlArb,
  trailerUrl: urlArb,
  providers: fc.array(nasty, { maxLength: 20 }),
  predictedStars: fc.option(fc.double({ min: 0.5, max: 5, noNaN: true })),
  predictionFor: fc.oneof(
    fc.record({ kind: fc.constant('person' as const), name: nasty }),
    fc.constant({ kind: 'group' as const }),
    fc.constant({ kind: 'average' as const }),
  ),
  ratingBy: nasty,
  userRating: fc.option(fc.constantFrom(0.5, 1, 2.5, 4, 5)),
  reason: nasty,
  label: nasty,
  rank: fc.integer({ min: 1, max: 500 }),
  actions: fc.array(actionArb, { maxLength: 40 }),
});

const replyArb: fc.Arbitrary<Reply> = fc.record(
  {
    text: fc.oneof(nasty, fc.string({ minLength: 3000, maxLength: 9000 })),
    cards: fc.array(cardArb, { maxLength: 30 }),
    actions: fc.array(actionArb, { maxLength: 60 }),
    ephemeral: fc.boolean(),
    data: fc.record({ closesAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()) }),
  },
  { requiredKeys: ['text'] },
);

const optionsArb = fc.record(
  {
    public: fc.boolean(),
    askedBy: fc.record({ userId: fc.constantFrom('U0ANA', 'bad id'), command: nasty, text: nasty }),
  },
  { requiredKeys: [] },
);

function card(over: Partial<MovieCard> = {}): MovieCard {
  return {
    movieId: 1,
    title: 'Heat',
    year: 1995,
    genres: ['Action', 'Crime'],
    directors: ['Michael Mann'],
    cast: ['Al Pacino', 'Robert De Niro'],
    runtime: 170,
    predictedStars: 4.3,
    userRating: null,
    reason: 'Because you liked Collateral',
    actions: [
      { id: 'seen:1', label: 'Seen it' },
      {
        id: 'rate:1',
        label: 'Rate',
        options: [1, 2, 3, 4, 5].map((s) => ({ label: '★'.repeat(s), value: String(s) })),
      },
    ],
    ...over,
  };
}

describe('renderReply: Block Kit limits whatever the data', () => {
  it('every message passes the limits and lets no mention or link through', () => {
    fc.assert(
      fc.property(replyArb, optionsArb, (reply, options) => {
        const message = renderReply(reply, options);
        expect(blockKitViolations(message.blocks, DOC_MESSAGE_BLOCKS)).toEqual([]);
        expect(message.text.length).toBeGreaterThan(0);
        // The core's own plain user mentions (`<@U123>`, e.g. movie-night members) are kept by design
        // (see the test below); broadcasts, groups, channels and any other `<@…>` never get through.
        expect(message.text).not.toMatch(/<[!#]|@(channel|here|everyone)\b/i);
        expect(message.text).not.toMatch(/<@(?![UW][A-Z0-9]{2,30}>)/);
      }),
      { numRuns: 60 },
    );
  });

  it('every Home view passes the limits', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ title: nasty, reply: replyArb }), { maxLength: 6 }), (sections) => {
        const view = renderHomeView(sections);
        expect(blockKitViolations(view.blocks, DOC_HOME_BLOCKS)).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });

  it('keeps the first cards and the message actions when there are too many cards', () => {
    const cards = Array.from({ length: 40 }, (_, i) => card({ movieId: i + 1, title: `Film ${i + 1}` }));
    const message = renderReply({ text: 'Top picks', cards, actions: [{ id: 'more', label: 'More' }] });
    expect(message.blocks.length).toBeLessThanOrEqual(DOC_MESSAGE_BLOCKS);
    const last = message.blocks.at(-1) as { type: string; elements: { action_id: string }[] };
    expect(last.type).toBe('actions');
    expect(last.elements.map((e) => e.action_id)).toEqual(['more']);
    const json = JSON.stringify(message.blocks);
    expect(json).toContain('Film 1 (1995)');
    expect(json).not.toContain('Film 40 (1995)');
    expect(json).toMatch(/and \d+ more not shown/);
  });
});

describe('card rendering', () => {
  it('shows poster, linked title with year, genres, people, prediction and reason', () => {
    const message = renderReply({
      text: '',
      cards: [
        card({ posterUrl: 'https://img.example/heat.jpg', url: 'https://www.themoviedb.org/movie/949' }),
      ],
    });
    const [main, actions] = message.blocks as [
      { type: string; text: { text: string }; accessory: { image_url: string } },
      { type: string; elements: { type: string; action_id: string }[] },
    ];
    expect(main.accessory.image_url).toBe('https://img.example/heat.jpg');
    expect(main.text.text).toContain('*<https://www.themoviedb.org/movie/949|Heat (1995)>*');
    expect(main.text.text).toContain('Action · Crime · 2h 50m');
    expect(main.text.text).toContain('Directed by Michael Mann · With Al Pacino, Robert De Niro');
    expect(main.text.text).toContain('Predicted for you: ★★★★½ 4.3');
    expect(main.text.text).toContain('_Because you liked Collateral_');
    expect(actions.elements.map((e) => [e.type, e.action_id])).toEqual([
      ['button', 'seen:1'],
      ['static_select', 'rate:1'],
    ]);
  });

  it('names whose prediction or rating a public card shows; only a private card says "you"', () => {
    const ana = card({ predictionFor: { kind: 'person', name: 'Ana' } });
    expect(cardText(ana, true)).toContain('Predicted for Ana: ★★★★½ 4.3');
    expect(cardText(card({ predictionFor: { kind: 'group' } }), true)).toContain(
      'Group prediction: ★★★★½ 4.3',
    );
    expect(cardText(card({ predictionFor: { kind: 'average' } }), true)).toContain(
      'Average rating: ★★★★½ 4.3',
    );
    expect(cardText(card({ userRating: 4, ratingBy: 'Ben' }), true)).toContain('Ben rated ★★★★☆ 4');
    // Without attribution a public card never calls the number "yours".
    expect(cardText(card(), true)).toContain('Predicted: ★★★★½ 4.3');
    expect(cardText(card(), true)).not.toContain('for you');
    expect(cardText(card({ userRating: 4 }), true)).toContain('Rated ★★★★☆ 4');
    expect(cardText(card({ userRating: 4 }), true)).not.toContain('Your rating');
    expect(cardText(card(), false)).toContain('Predicted for you: ★★★★½ 4.3');
  });

  it('drops disabled buttons (Slack has none) and shows their state as text', () => {
    const closed = renderReply({
      text: 'Voting closed',
      actions: [
        { id: 'vote:1', label: 'Heat — 3 votes', disabled: true },
        { id: 'vote:2', label: 'Ronin — 1 vote', disabled: true },
      ],
      cards: [card({ actions: [{ id: 'watch:1', label: '✓ On your watchlist', disabled: true }] })],
    });
    const json = JSON.stringify(closed.blocks);
    expect(json).not.toContain('"action_id"');
    expect(json).toContain('Heat — 3 votes · Ronin — 1 vote');
    expect(json).toContain('_✓ On your watchlist_');
  });

  it('names who asked on a public answer', () => {
    const message = renderReply(
      { text: 'Top picks' },
      { public: true, askedBy: { userId: 'U0ANA', command: 'recommend', text: '90s <comedy>' } },
    );
    expect(message.blocks[0]).toEqual({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: 'Asked by <@U0ANA> · /recommend 90s &lt;comedy&gt;', verbatim: true },
      ],
    });
  });

  it('echoes mentions in the asked-for command as people read them, without pinging anyone', () => {
    const message = renderReply(
      { text: 'Poll' },
      {
        public: true,
        askedBy: {
          userId: 'U0ANA',
          command: 'movierec movienight',
          text: '<@U0BEN|ben> <@U0CY> in <#C0MOV|movies>',
        },
      },
    );
    expect(JSON.stringify(message.blocks[0])).toContain(
      'Asked by <@U0ANA> · /movierec movienight @ben @U0CY in #movies',
    );
  });

  it("shows the user's own rating instead of the prediction", () => {
    expect(cardText(card({ userRating: 4 }))).toContain('Your rating: ★★★★☆ 4');
    expect(cardText(card({ userRating: 4 }))).not.toContain('Predicted');
  });

  it('escapes user text so titles cannot mention or link', () => {
    const text = cardText(card({ title: '<!channel> & <https://evil.example|x> @here', url: null }));
    expect(text).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example¦x&gt; @\u200Bhere');
    expect(text).not.toMatch(/<[!h]/);
  });

  it('drops action ids Slack could not send back and duplicates', () => {
    const long = 'x'.repeat(256);
    const message = renderReply({
      text: 't',
      actions: [
        { id: 'a', label: 'A' },
        { id: 'a', label: 'A again' },
        { id: long, label: 'Too long' },
      ],
    });
    const ids = JSON.stringify(message.blocks).match(/"action_id":"[^"]*"/g);
    expect(ids).toEqual(['"action_id":"a"']);
  });
});

describe('toMrkdwn', () => {
  it('converts the light markdown', () => {
    expect(toMrkdwn('**Top** picks for _you_ · [Heat](https://x.example/a?b=1&c=2)')).toBe(
      '*Top* picks for _you_ · <https://x.example/a?b=1&amp;c=2|Heat>',
    );
    expect(toMrkdwn('*soft* and ~~gone~~')).toBe('_soft_ and ~gone~');
    expect(toMrkdwn('# Profile\n- one\n- two')).toBe('*Profile*\n• one\n• two');
  });

  it('does not link unsafe URLs and escapes the rest', () => {
    // The whole `(javascript:alert(1))` is the link target: only the label is left, no stray `)`.
    expect(toMrkdwn('[x](javascript:alert(1)) <!here> a&b')).toBe('x &lt;!here&gt; a&amp;b');
  });

  it('keeps balanced parentheses inside a link URL', () => {
    // The link ends at the `)` closing the one after `]`; the URL itself is `https://ok.example/a(b)`.
    expect(toMrkdwn('[x](https://ok.example/a(b))')).toBe('<https://ok.example/a(b)|x>');
    expect(toMrkdwn('see [Heat](https://en.wikipedia.org/wiki/Heat_(1995_film)) now')).toBe(
      'see <https://en.wikipedia.org/wiki/Heat_(1995_film)|Heat> now',
    );
  });

  it("shows a poll's closing time as a Slack date token with the UTC time as fallback", () => {
    const closes = new Date('2026-12-03T19:45:00Z');
    // 2026-12-03T19:45:00Z is 1796327100 seconds after the epoch.
    expect(withLocalTime('closes in 10 minutes (19:45 UTC) or when', closes)).toBe(
      'closes in 10 minutes (<!date^1796327100^{date_short_pretty} {time}|19:45 UTC>) or when',
    );
    expect(withLocalTime('no time here', closes)).toBe('no time here');
  });

  it("keeps the core's plain user mentions but no broadcast, group or labelled mention", () => {
    expect(toMrkdwn('Movie night for <@U0ALICE> and <@W0BOB>')).toBe(
      'Movie night for <@U0ALICE> and <@W0BOB>',
    );
    expect(toMrkdwn('<!here> <!subteam^S1> <@U1|x> <#C1>')).toBe(
      '&lt;!here&gt; &lt;!subteam^S1&gt; &lt;@U1|x&gt; &lt;#C1&gt;',
    );
  });

  it('escapeSlack neutralises broadcasts', () => {
    expect(escapeSlack('hi @channel and @Everyone')).toBe('hi @\u200Bchannel and @\u200BEveryone');
  });
});

describe('Slack stars', () => {
  it('draws predictions and ratings to the nearest half star (issue 15), never rounded to whole stars', async () => {
    const { stars } = await import('../../adapters/slack/render.ts');
    expect(stars(3.7)).toBe('★★★½☆');
    expect(stars(3.74)).toBe('★★★½☆');
    expect(stars(3.76)).toBe('★★★★☆');
    expect(stars(4.5)).toBe('★★★★½');
    expect(stars(0.5)).toBe('½☆☆☆☆');
    expect(stars(5)).toBe('★★★★★');
  });
});
