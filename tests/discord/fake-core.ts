import type {
  Actor,
  BotCore,
  BotEvent,
  ChannelRef,
  MovieCard,
  Platform,
  Reply,
} from '../../src/bot/types.ts';

/**
 * A small in-memory BotCore standing in for the real one where a test is about the adapter's handling of
 * Discord (deferrals, follow-ups, reactions, resumes), not about recommendations.
 */
export class FakeCore implements BotCore {
  readonly events: BotEvent[] = [];
  readonly posted = new Map<string, Reply>();
  /** userKey → movieId → stars, changed by reactions on single-card messages. */
  readonly ratings = new Map<string, Map<number, number>>();
  readonly purged: { platform: Platform; tenant: string }[] = [];
  readonly autocompleteQueries: string[] = [];
  private readonly seen = new Set<string>();
  /** `/recommend slow` waits for {@link release}, like a cold model load, then fails privately. */
  private gate: Promise<void> = new Promise(() => {});
  release: () => void = () => {};

  constructor() {
    this.gate = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  readonly commands = [
    {
      name: 'recommend',
      description: 'Movies for you',
      usage: '[what you feel like]',
      options: [{ name: 'request', description: 'what you feel like', type: 'string' as const }],
    },
    {
      name: 'movie',
      description: 'One movie',
      usage: '<title>',
      options: [
        {
          name: 'title',
          description: 'a title',
          type: 'string' as const,
          required: true,
          autocomplete: true,
        },
      ],
    },
    { name: 'profile', description: 'Your taste', usage: '', options: [] },
  ];

  static card(movieId: number, title = `Movie ${movieId}`): MovieCard {
    return {
      movieId,
      title,
      year: 1990 + (movieId % 30),
      genres: ['Drama', 'Crime'],
      directors: ['Someone'],
      cast: ['A', 'B'],
      runtime: 120,
      overview: 'An overview.',
      posterUrl: `https://image.example/${movieId}.jpg`,
      url: `https://movies.example/${movieId}`,
      predictedStars: 4.2,
      userRating: null,
      reason: 'Because you liked Heat',
      rank: movieId,
      actions: [
        { id: `mr:seen:${movieId}`, label: 'Seen it' },
        {
          id: `mr:rate:${movieId}`,
          label: 'Rate',
          options: [5, 4, 3, 2, 1].map((s) => ({ label: `${s} stars`, value: String(s) })),
        },
      ],
    };
  }

  async handle(event: BotEvent): Promise<Reply[]> {
    this.events.push(event);
    if (this.seen.has(event.id)) return [];
    this.seen.add(event.id);
    if (event.type === 'command') {
      if (event.command === 'recommend' && event.text === 'slow') {
        await this.gate;
        return [{ text: 'Sorry, something failed.', ephemeral: true }];
      }
      if (event.command === 'recommend') {
        const cards = Array.from({ length: 12 }, (_, i) => FakeCore.card(i + 1));
        return [
          { text: `Picks for ${event.text || 'you'}`, cards, actions: [{ id: 'mr:more:s1', label: 'More' }] },
        ];
      }
      if (event.command === 'movie') {
        return [{ text: '', cards: [FakeCore.card(42, String(event.text))], rateByReaction: true }];
      }
      return [{ text: `Profile of ${event.actor.displayName}`, ephemeral: true }];
    }
    if (event.type === 'action') {
      return [{ text: `ok ${event.actionId} ${event.value ?? ''}`.trim(), ephemeral: true }];
    }
    const card = this.posted.get(event.messageKey)?.cards;
    if (card?.length !== 1) return [];
    const stars = { '1️⃣': 1, '2️⃣': 2, '3️⃣': 3, '4️⃣': 4, '5️⃣': 5 }[event.emoji];
    if (stars === undefined) return [];
    const mine = this.ratings.get(event.actor.userKey) ?? new Map<number, number>();
    this.ratings.set(event.actor.userKey, mine);
    if (event.added) mine.set(card[0]!.movieId, stars);
    else mine.delete(card[0]!.movieId);
    return [{ text: 'Rated.', ephemeral: true }];
  }

  async messagePosted(reply: Reply, messageKey: string, _channel: ChannelRef): Promise<void> {
    this.posted.set(messageKey, reply);
  }

  async autocomplete(query: string, _actor: Actor): Promise<{ name: string; value: string }[]> {
    this.autocompleteQueries.push(query);
    return ['Heat (1995)', 'Heathers (1989)', `${'Long '.repeat(40)}(2001)`].map((name, i) => ({
      name,
      value: `#${i + 1}`,
    }));
  }

  async purgeTenant(platform: Platform, tenant: string): Promise<{ users: number }> {
    this.purged.push({ platform, tenant });
    return { users: 1 };
  }
}
