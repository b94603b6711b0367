import type { BotCore, BotEvent, ChannelRef, CommandSpecInfo, Reply } from '../../src/bot/types.ts';

/** A scripted BotCore that records what the adapter gives it (the real core is tested in e2e tests). */
export class FakeCore implements BotCore {
  readonly events: BotEvent[] = [];
  readonly posted: { reply: Reply; key: string; channel: ChannelRef }[] = [];
  readonly purged: { platform: string; tenant: string }[] = [];
  /** Replies per event; defaults to a one-card public list. */
  script: (event: BotEvent) => Promise<Reply[]> | Reply[] = () => [sampleReply()];
  readonly commands: CommandSpecInfo[] = [
    ...['recommend', 'profile', 'watchlist', 'rate', 'help', 'movienight'].map((name) => ({
      name,
      description: name,
      usage: '',
      options: [],
      visibility: name === 'recommend' || name === 'movienight' ? ('public' as const) : ('private' as const),
    })),
    {
      name: 'stats',
      description: 'stats',
      usage: '',
      options: [],
      adminOnly: true,
      visibility: 'private' as const,
    },
  ];

  async handle(event: BotEvent): Promise<Reply[]> {
    this.events.push(event);
    return this.script(event);
  }
  async messagePosted(reply: Reply, key: string, channel: ChannelRef): Promise<void> {
    this.posted.push({ reply, key, channel });
  }
  async autocomplete(): Promise<{ name: string; value: string }[]> {
    return [];
  }
  async purgeTenant(platform: 'slack' | 'discord' | 'console', tenant: string) {
    this.purged.push({ platform, tenant });
    return { users: 2 };
  }
}

export function sampleReply(over: Partial<Reply> = {}): Reply {
  return {
    text: '**Top picks** for you',
    cards: [
      {
        movieId: 2580,
        title: 'Go',
        year: 1999,
        genres: ['Comedy', 'Crime'],
        directors: ['Doug Liman'],
        cast: ['Sarah Polley'],
        runtime: 102,
        posterUrl: 'https://img.example/go.jpg',
        predictedStars: 4.1,
        userRating: null,
        reason: 'Popular 90s comedy',
        actions: [
          { id: 'mr:seen:2580', label: 'Seen it' },
          { id: 'mr:rate:2580', label: 'Rate', options: [{ label: '★★★★', value: '4' }] },
        ],
      },
    ],
    actions: [{ id: 'mr:more:s1', label: 'More' }],
    ...over,
  };
}
