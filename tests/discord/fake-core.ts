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
  private gate!: Promise<void>;
  private open!: () => void;
  /** Lets every held event go on; events after it are held again until the next release. */
  release: () => void = () => {
    const open = this.open;
    this.arm();
    open();
  };
  /**
   * Replies a test scripts for a command name or an action id prefix, instead of the defaults below;
   * `slow` ones wait for {@link release} first (the adapter's slow path).
   */
  readonly script = new Map<string, { replies: (event: BotEvent) => Reply[]; slow?: boolean }>();
  /** When set, reactions are refused the way the core's rate limit refuses them. */
  refuseReactions = false;

  constructor() {
    this.arm();
  }

  private arm() {
    this.gate = new Promise((resolve) => {
      this.open = resolve;
    });
  }

  readonly commands = [
    {
      name: 'recommend',
      description: 'Movies for you',
      usage: '[what you feel like]',
      options: [{ name: 'request', description: 'what you feel like', type: 'string' as const }],
      visibility: 'public' as const,
    },
    {
      name: 'compat',
      description: 'Taste match',
      usage: '<user>',
      options: [{ name: 'user', description: 'who', type: 'user' as const, required: true }],
      visibility: 'private' as const,
    },
    // Declared public here (the real /help is private): the declaration alone decides the deferral.
    { name: 'help', description: 'Help', usage: '', options: [], visibility: 'public' as const },
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
      visibility: 'public' as const,
    },
    { name: 'profile', description: 'Your taste', usage: '', options: [], visibility: 'private' as const },
  ];

  private scripted(event: BotEvent) {
    if (event.type === 'command') return this.script.get(event.command);
    if (event.type === 'action')
      return [...this.script].find(([prefix]) => event.actionId.startsWith(prefix))?.[1];
    return undefined;
  }

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
    const scripted = this.scripted(event);
    if (scripted) {
      if (scripted.slow) await this.gate;
      return scripted.replies(event);
    }
    if (event.type === 'reaction' && this.refuseReactions) {
      return [
        { text: 'Easy there! Try again in a few seconds.', ephemeral: true, data: { outcome: 'user_error' } },
      ];
    }
    if (event.type === 'command') {
      if (event.command === 'recommend' && event.text === 'slow') {
        await this.gate;
        return [{ text: 'Sorry, something failed.', ephemeral: true }];
      }
      if (event.command === 'recommend') {
        // One page as the core gives it: five cards, one "pick a movie" select and a row of actions.
        const cards = Array.from({ length: 5 }, (_, i) => FakeCore.card(i + 1));
        const request = event.options?.request ?? event.text;
        return [
          {
            text: `Picks for ${request || 'you'}`,
            cards,
            actions: [
              {
                id: 'mr:pick:s1',
                label: 'Pick a movie',
                options: cards.map((c) => ({ label: c.title, value: String(c.movieId) })),
              },
              { id: 'mr:more:s1', label: 'More' },
            ],
          },
        ];
      }
      if (event.command === 'movie') {
        const title = String(event.options?.title ?? event.text);
        return [{ text: '', cards: [FakeCore.card(42, title)], rateByReaction: true }];
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
