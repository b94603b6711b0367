import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogSource } from '../../src/bot/catalog-view.ts';
import { createBotCore } from '../../src/bot/core.ts';
import type { Actor, BotCore, BotEvent, ChannelRef, CommandEvent, Reply } from '../../src/bot/types.ts';
import { createTestCore, quietLogger, type TestCore } from '../contract/fixture.ts';

/** Creating a test database and training the fixture model takes minutes on a loaded 2-core machine. */
const SETUP_TIMEOUT_MS = 300_000;

const discordChannel: ChannelRef = { key: 'discord:G1:C1', platform: 'discord', tenant: 'G1' };
const consoleChannel = (name: string): ChannelRef => ({
  key: `console:local:${name}`,
  platform: 'console',
  tenant: 'local',
});
const discord = (name: string): Actor => ({
  userKey: `discord:G1:${name}`,
  platform: 'discord',
  tenant: 'G1',
  displayName: name[0]!.toUpperCase() + name.slice(1),
});
const local = (name: string): Actor => ({
  userKey: `console:${name}`,
  platform: 'console',
  tenant: 'local',
  displayName: name,
});
let seq = 0;
function command(actor: Actor, name: string, text = '', extra: Partial<CommandEvent> = {}): BotEvent {
  return {
    type: 'command',
    id: `pr${++seq}`,
    actor,
    channel: actor.platform === 'console' ? consoleChannel(actor.displayName!) : discordChannel,
    command: name,
    text,
    ...extra,
  };
}
function press(actor: Actor, actionId: string, value?: string): BotEvent {
  return {
    type: 'action',
    id: `pr${++seq}`,
    actor,
    channel: actor.platform === 'console' ? consoleChannel(actor.displayName!) : discordChannel,
    actionId,
    value,
  };
}
const text = (replies: Reply[]) => replies.map((r) => r.text).join('\n');

/**
 * Action rows and components a reply needs on Discord, where a message holds at most 5 action rows and
 * 25 components (https://discord.com/developers/docs/components/reference, "Action Row"): a select fills
 * a row of its own, buttons share rows of up to 5. Per-card and message-level actions both count.
 */
function componentBudget(reply: Reply): { rows: number; components: number } {
  const groups = [...(reply.cards ?? []).map((c) => c.actions), reply.actions ?? []];
  let rows = 0;
  let components = 0;
  for (const actions of groups) {
    const selects = actions.filter((a) => a.options).length;
    const buttons = actions.length - selects;
    rows += selects + Math.ceil(buttons / 5);
    components += actions.length;
  }
  return { rows, components };
}

describe('the core on every platform', () => {
  let t: TestCore;
  let core: BotCore;
  beforeAll(async () => {
    t = await createTestCore('pglite');
    core = t.core;
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  describe('typed options and text combine the same way', () => {
    it('/watchlist with the typed action "remove" and no title offers the list to remove from', async () => {
      const ana = discord('wlana');
      await core.handle(command(ana, 'watchlist', 'add Heat'));
      const [reply] = await core.handle(command(ana, 'watchlist', '', { options: { action: 'remove' } }));
      expect(reply!.data?.outcome).toBeUndefined();
      expect(reply!.text).toMatch(/Which one should go/);
      const select = reply!.actions!.find((a) => a.options)!;
      expect(select.options!.map((o) => o.label)).toEqual(['1. Heat (1981)']);
      const [removed] = await core.handle(press(ana, select.id, select.options![0]!.value));
      expect(removed!.text).toMatch(/Removed \*\*Heat \(1981\)\*\*/);
    });

    it('/watchlist remove matches the user’s own list before the catalog', async () => {
      const bo = local('wlbo');
      await core.handle(command(bo, 'watchlist', 'add #' + t.movieIds[4]));
      const [reply] = await core.handle(command(bo, 'watchlist', 'remove Solaris'));
      expect(reply!.text).toMatch(/Removed \*\*Solaris \(2002\)\*\*/);
    });

    it('/compat names the person the platform resolved when it does not know them', async () => {
      const [reply] = await core.handle(
        command(discord('cpana'), 'compat', '', {
          options: { user: 'discord:G1:nobody' },
          mentions: [{ userKey: 'discord:G1:nobody', displayName: 'Zed' }],
        }),
      );
      expect(reply!.data?.error).toBe('unknown-user');
      expect(reply!.text).toContain('Zed');
    });

    it('`ask`-style events (text plus a page size) start a movie night like the console', async () => {
      for (const name of ['mnana', 'mnben']) await core.handle(command(local(name), 'rate', 'Heat 4'));
      const [poll] = await core.handle(
        command(local('mnana'), 'movienight', 'mnana mnben', { options: { count: 10 } }),
      );
      expect(poll!.data?.error).toBeUndefined();
      expect(poll!.data?.members).toEqual(['console:mnana', 'console:mnben']);
    });

    it('a "which one?" pick re-runs a command whose title came as a typed option', async () => {
      const cy = discord('pickcy');
      const [ask] = await core.handle(command(cy, 'rate', '', { options: { title: 'Solaris', stars: 4 } }));
      expect(ask!.data?.error).toBe('ambiguous-title');
      const choice = ask!.actions!.find((a) => a.label.includes('1972'))!;
      expect(text(await core.handle(press(cy, choice.id)))).toMatch(/Rated \*\*Solaris \(1972\)\*\* ★★★★ 4/);
    });
  });

  describe('list pages fit one message', () => {
    it('every list page stays within 5 action rows and 25 components', async () => {
      const ana = discord('fitana');
      await core.handle(command(ana, 'rate', 'Heat 5'));
      for (const title of ['Ronin', 'Drive', 'Zodiac'])
        await core.handle(command(ana, 'watchlist', `add ${title}`));
      const replies = [
        ...(await core.handle(command(ana, 'recommend'))),
        ...(await core.handle(command(ana, 'search', 'the'))),
        ...(await core.handle(command(ana, 'similar', 'Heat'))),
        ...(await core.handle(command(ana, 'watchlist'))),
        ...(await core.handle(command(ana, 'onboard'))),
      ];
      for (const reply of replies) {
        const budget = componentBudget(reply);
        expect(budget.rows, reply.text).toBeLessThanOrEqual(5);
        expect(budget.components, reply.text).toBeLessThanOrEqual(25);
      }
      expect(replies.filter((r) => (r.cards?.length ?? 0) >= 3).length).toBeGreaterThanOrEqual(4);
    });

    it('page 2 is numbered #6–#10, in its cards and its "pick a movie" select', async () => {
      const bo = discord('numbo');
      const [first] = await core.handle(command(bo, 'recommend'));
      expect(first!.cards!.map((c) => c.rank)).toEqual([1, 2, 3, 4, 5]);
      const more = first!.actions!.find((a) => a.label === 'More')!;
      const [second] = await core.handle(press(bo, more.id));
      expect(second!.cards!.map((c) => c.rank)).toEqual([6, 7, 8, 9, 10]);
      const pick = second!.actions!.find((a) => a.options)!;
      expect(pick.options!.map((o) => o.label.split(' ')[0])).toEqual(['#6', '#7', '#8', '#9', '#10']);
      expect(pick.options!.map((o) => Number(o.value))).toEqual(second!.cards!.map((c) => c.movieId));
    });

    it('More pressed by another member gives them their own continuation, privately', async () => {
      const owner = discord('moreowner');
      await core.handle(command(owner, 'rate', 'Alien 5'));
      const [list] = await core.handle(command(owner, 'recommend'));
      const more = list!.actions!.find((a) => a.label === 'More')!;
      const other = discord('moreother');
      const [theirs] = await core.handle(press(other, more.id));
      expect(theirs!.ephemeral).toBe(true);
      expect(theirs!.data?.outcome).toBeUndefined();
      expect(theirs!.cards!.map((c) => c.rank)).toEqual([6, 7, 8, 9, 10].slice(0, theirs!.cards!.length));
      // The owner's own reasons and predictions are not passed off as the other member's.
      expect(
        theirs!.cards!.every((c) => !/Because you|Personal pick/.test(`${c.reason} ${c.label ?? ''}`)),
      ).toBe(true);
      // Their continuation is theirs: pressing its More continues it, the owner's list is untouched.
      const [ownerNext] = await core.handle(press(owner, more.id));
      expect(ownerNext!.cards!.map((c) => c.rank)).toEqual([6, 7, 8, 9, 10]);
      const theirMore = theirs!.actions!.find((a) => a.label === 'More')!;
      expect(theirMore.id).not.toBe(more.id);
      const [theirNext] = await core.handle(press(other, theirMore.id));
      expect(theirNext!.cards![0]!.rank).toBe(11);
    });

    it('picking a movie in the select answers privately with its own buttons', async () => {
      const cy = discord('pickmovie');
      const [list] = await core.handle(command(cy, 'recommend'));
      const pick = list!.actions!.find((a) => a.options)!;
      const [detail] = await core.handle(press(cy, pick.id, pick.options![2]!.value));
      expect(detail!.ephemeral).toBe(true);
      expect(detail!.cards!.map((c) => c.movieId)).toEqual([Number(pick.options![2]!.value)]);
      expect(detail!.cards![0]!.actions.map((a) => a.id.split(':')[1])).toEqual([
        'rate',
        'seen',
        'watch',
        'no',
      ]);
    });
  });

  describe('/onboard', () => {
    it('is one private message with a menu per film, and 🚫 means not interested', async () => {
      const di = discord('onbdi');
      const replies = await core.handle(command(di, 'onboard'));
      expect(replies).toHaveLength(1);
      const [reply] = replies;
      expect(reply!.ephemeral).toBe(true);
      expect(reply!.rateByReaction).toBeFalsy();
      expect(reply!.cards!.length).toBe(reply!.actions!.length);
      expect(reply!.text).toMatch(/🚫 means not interested/);
      expect(reply!.text).not.toMatch(/🚫[^.;]*skip/);
      const [first, second] = reply!.actions!;
      expect(first!.options!.map((o) => o.label)).toContain('🚫 Not interested');
      expect(text(await core.handle(press(di, first!.id, '4.5')))).toMatch(/Rated .* ★★★★½ 4\.5/);
      expect(text(await core.handle(press(di, second!.id, 'no')))).toMatch(/not interested/);
      const [profile] = await core.handle(command(di, 'profile'));
      expect(profile!.data).toMatchObject({ ratingCount: 1 });
      expect(profile!.text).toMatch(/not interested 1/);
    });
  });

  describe('reactions', () => {
    function coreWith(limits: { rateLimitPerMinute?: number; reactionLimitPerMinute?: number }) {
      return createBotCore({
        db: t.db.db,
        logger: quietLogger(),
        catalog: createCatalogSource(t.db.db),
        recommender: { current: () => t.recommender.current(), catalogChanged: () => {} },
        ...limits,
      });
    }
    const react = (who: Actor, messageKey: string, emoji: string, added: boolean): BotEvent => ({
      type: 'reaction',
      id: `pr${++seq}`,
      actor: who,
      channel: discordChannel,
      messageKey,
      emoji,
      added,
    });

    it('after 16 toggles of 5️⃣ then 4️⃣ the stored rating is the last reaction state', async () => {
      // The default limits: 30 commands a minute must not swallow a burst of reactions.
      const limited = coreWith({});
      const ed = discord('toggler');
      const [card] = await limited.handle(command(ed, 'movie', 'Memento'));
      await limited.messagePosted(card!, 'discord:C1:toggle', discordChannel);
      for (let i = 0; i < 16; i++) {
        await limited.handle(react(ed, 'discord:C1:toggle', '5️⃣', true));
        await limited.handle(react(ed, 'discord:C1:toggle', '5️⃣', false));
      }
      const last = await limited.handle(react(ed, 'discord:C1:toggle', '4️⃣', true));
      expect(last[0]!.text).toMatch(/Rated \*\*Memento.*★★★★ 4/);
      const [profile] = await limited.handle(command(ed, 'profile'));
      expect(profile!.data?.recent).toEqual([expect.objectContaining({ title: 'Memento', rating: 4 })]);
    });

    it('the local console has no per-user limit; a platform user with the same limit is refused', async () => {
      const limited = coreWith({ rateLimitPerMinute: 2 });
      const refusals = async (actor: Actor) => {
        let refused = 0;
        for (let i = 0; i < 5; i++) {
          const [reply] = await limited.handle(command(actor, 'help'));
          if (reply!.data?.error === 'rate-limited') refused++;
        }
        return refused;
      };
      expect(await refusals(local('nolimit'))).toBe(0);
      expect(await refusals(discord('limited'))).toBeGreaterThan(0);
    });

    it('a refused reaction is answered privately, and commands keep their own budget', async () => {
      const limited = coreWith({ reactionLimitPerMinute: 2, rateLimitPerMinute: 5 });
      const fy = discord('fastfy');
      const [card] = await limited.handle(command(fy, 'movie', 'Insomnia'));
      await limited.messagePosted(card!, 'discord:C1:fast', discordChannel);
      await limited.handle(react(fy, 'discord:C1:fast', '3️⃣', true));
      await limited.handle(react(fy, 'discord:C1:fast', '3️⃣', false));
      const refused = await limited.handle(react(fy, 'discord:C1:fast', '5️⃣', true));
      expect(refused).toEqual([
        expect.objectContaining({
          ephemeral: true,
          data: expect.objectContaining({ error: 'rate-limited' }),
        }),
      ]);
      expect(refused[0]!.text).toMatch(/react again/);
      expect((await limited.handle(command(fy, 'help')))[0]!.data?.error).toBeUndefined();
    });
  });

  describe('every command answers the asker, in success and in error', () => {
    const asker: Actor = {
      userKey: 'discord:G1:7001',
      platform: 'discord',
      tenant: 'G1',
      displayName: 'Mat',
    };
    const friend: Actor = {
      userKey: 'discord:G1:7002',
      platform: 'discord',
      tenant: 'G1',
      displayName: 'Fin',
    };
    const long = 'x'.repeat(2100);
    const csv = 'Date,Name,Year,Letterboxd URI,Rating\n2024-01-01,Heat,1981,u,4.5\n';
    /** [command, success event extras, user-error event extras] for every registered command. */
    const CASES: [string, Partial<CommandEvent>, Partial<CommandEvent>][] = [
      ['recommend', {}, { text: long }],
      ['more', {}, { actor: friend }],
      ['rate', { text: 'Heat 4' }, { text: 'Heat 9' }],
      ['movie', { text: 'Heat' }, { text: '' }],
      ['similar', { text: 'Alien' }, { text: 'Zzyzx Qwvvt' }],
      ['search', { text: 'heat' }, { text: '' }],
      ['prefs', { text: 'no horror' }, { text: 'qwzx blorp' }],
      ['watchlist', { text: 'add Fargo' }, { text: 'add' }],
      ['seen', { text: 'Ronin' }, { text: '' }],
      ['not-interested', { text: 'Drive' }, { text: '' }],
      ['profile', {}, { text: long }],
      ['onboard', {}, { text: long }],
      // `/import` alone now shows the import's status; a file that is no ratings export is the user error.
      [
        'import',
        { attachments: [{ name: 'ratings.csv', content: csv }] },
        { attachments: [{ name: 'notes.csv', content: 'a,b\n1,2\n' }] },
      ],
      ['movienight', { text: '<@7002>' }, { text: '' }],
      ['vote', { text: '1' }, { text: '9' }],
      ['compat', { options: { user: 'discord:G1:7002' } }, { text: 'nobody' }],
      ['region', { text: 'germany' }, { text: 'atlantis' }],
      ['stats', { actor: { ...asker, isAdmin: true } }, {}],
      ['help', {}, { text: long }],
      // The asker is linked with a console account before the loop (below): /link then issues a code
      // and names the link, /unlink separates them, and a second /unlink is the user error.
      ['link', {}, { text: 'ABCD-2345' }],
      ['unlink', {}, {}],
      ['forget-me', {}, { text: long }],
    ];

    it('covers every registered command', async () => {
      const { COMMANDS } = await import('../../src/bot/commands/index.ts');
      expect(CASES.map(([name]) => name).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
    });

    it('answers each success and each user error visibly to the asker, privately where personal', async () => {
      const { findCommand } = await import('../../src/bot/commands/index.ts');
      await core.handle(command(friend, 'rate', 'Heat 3'));
      await core.handle(command(friend, 'rate', 'Alien 4'));
      await core.handle(command(asker, 'rate', 'Alien 5'));
      const partner: Actor = {
        userKey: 'console:matlink',
        platform: 'console',
        tenant: 'local',
        displayName: 'matlink',
      };
      const [issued] = await core.handle(command(partner, 'link'));
      await core.handle(command(asker, 'link', String(issued!.data?.linkCode)));
      for (const [name, ok, bad] of CASES) {
        const spec = findCommand(name)!;
        for (const [kind, extra] of [
          ['success', ok],
          ['user error', bad],
        ] as const) {
          const replies = await core.handle(command(asker, name, '', extra));
          const where = `/${name} (${kind})`;
          // Something comes back, and not the apology for a crash.
          expect(replies.length, where).toBeGreaterThan(0);
          const outcomes = replies.map((r) => r.data?.outcome);
          expect(outcomes, where).not.toContain('error');
          if (kind === 'user error') {
            expect(replies[0], where).toMatchObject({ ephemeral: true, data: { outcome: 'user_error' } });
          } else {
            expect(outcomes, where).not.toContain('user_error');
            // A personal answer is private; a public one is posted (not an edit nobody asked for).
            const answers = replies.filter((r) => !r.editMessage);
            if (spec.visibility === 'private') {
              for (const r of answers) expect(r.ephemeral, `${where}: ${r.text.slice(0, 60)}`).toBe(true);
            } else {
              expect(
                answers.some((r) => !r.ephemeral),
                where,
              ).toBe(true);
            }
          }
        }
      }
    });
  });

  describe('words and prompts', () => {
    const slackUser: Actor = {
      userKey: 'slack:T1:U0HELP',
      platform: 'slack',
      tenant: 'T1',
      displayName: 'sl',
    };
    const slackEvent = (name: string, text = ''): BotEvent => ({
      type: 'command',
      id: `pr${++seq}`,
      actor: slackUser,
      channel: { key: 'slack:T1:C1', platform: 'slack', tenant: 'T1' },
      command: name,
      text,
    });

    it('/help speaks each platform: no console syntax on Discord or Slack; the console lists its shortcuts', async () => {
      const onDiscord = text(await core.handle(command(discord('helpd'), 'help')));
      const onSlack = text(await core.handle(slackEvent('help')));
      const onConsole = text(await core.handle(command(local('helpc'), 'help')));
      for (const help of [onDiscord, onSlack]) {
        expect(help).not.toMatch(/forget-me yes|path in the console|:5 2/);
      }
      expect(onDiscord).toMatch(/\/import file:/);
      expect(onSlack).toMatch(/\/movierec import <link/);
      expect(onSlack).toMatch(/`\/recommend/);
      for (const shortcut of [':5 2', ':seen 2', '`more`', '`!1`']) expect(onConsole).toContain(shortcut);
    });

    it('an unknown command points to help as that platform spells it', async () => {
      expect(text(await core.handle(slackEvent('frobnicate')))).toContain(
        "I don't know `/movierec frobnicate`. Try `/movierec help`.",
      );
      expect(text(await core.handle(command(discord('unk'), 'frobnicate')))).toContain(
        "I don't know `/frobnicate`. Try `/help`.",
      );
    });

    it('/forget-me yes typed first deletes; the prompt on Discord names no console syntax', async () => {
      const [prompt] = await core.handle(command(discord('fgd'), 'forget-me'));
      expect(prompt!.text).not.toMatch(/forget-me yes/);
      await core.handle(command(local('fgc'), 'rate', 'Heat 4'));
      const [done] = await core.handle(command(local('fgc'), 'forget-me', 'yes'));
      expect(done!.text).toMatch(/deleted/i);
    });

    it('/region takes a country name; /compat gives one score in plain words', async () => {
      const [region] = await core.handle(command(discord('rgn'), 'region', 'germany'));
      expect(region!.data).toEqual({ region: 'DE' });
      const a = local('cmpa');
      const b = local('cmpb');
      for (const [title, x, y] of [
        ['Heat', 5, 4],
        ['Alien', 2, 1.5],
        ['Drive', 4, 4.5],
        ['Fargo', 3, 3],
      ] as const) {
        await core.handle(command(a, 'rate', `${title} ${x}`));
        await core.handle(command(b, 'rate', `${title} ${y}`));
      }
      const [compat] = await core.handle(command(a, 'compat', 'cmpb'));
      expect(compat!.text).toMatch(/\d+% taste match\*\* — (very similar|similar|some|quite different)/);
      expect(compat!.text).not.toMatch(/agreement|-?0\.\d\d/);
      expect(compat!.text).toMatch(/From the 4 movies you both rated/);
    });
  });
});
