import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, BotCore, BotEvent, ChannelRef, CommandEvent, Reply } from '../../src/bot/types.ts';
import { createTestCore, type TestCore } from '../contract/fixture.ts';

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
});
