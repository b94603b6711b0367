import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWERED_PRIVATELY, ANSWERED_PUBLICLY } from '../../adapters/discord/respond.ts';
import type { Reply } from '../../src/bot/types.ts';
import { type AdapterFixture, startAdapterFixture } from './adapter-fixture.ts';
import { FakeCore } from './fake-core.ts';
import { CHANNEL_ID, GUILD_ID } from './fake-discord.ts';
import { commandInteraction, componentInteraction, userId, userOption } from './gateway-payloads.ts';

type Json = Record<string, unknown>;
const ephemeralFlag = (body: Json | undefined) =>
  (Number((body?.data as Json | undefined)?.flags ?? 0) & 64) !== 0;
const shown = (messages: { json: Json; ephemeral: boolean }[]) =>
  messages.map((m) => [String(m.json.content ?? ''), m.ephemeral]);

describe('Discord answers quick commands directly, with each reply its own visibility', () => {
  let f: AdapterFixture;
  beforeAll(async () => {
    f = await startAdapterFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('a /recommend page is one public message (type 4), within limits, registered with the core', async () => {
    const i = commandInteraction('alice', 'recommend', [{ name: 'request', type: 3, value: 'heist movies' }]);
    const seen = await f.send(i);
    expect(f.forToken(i.token)[0]).toMatchObject({ method: 'POST', body: { type: 4 } });
    expect(seen).toHaveLength(1);
    const page = seen[0]!;
    expect(page.ephemeral).toBe(false);
    expect(page.json.content).toBe('Picks for heist movies');
    expect((page.json.embeds as Json[]).map((e) => e.title)).toEqual(
      [1, 2, 3, 4, 5].map((n) => `Movie ${n} (${1990 + n})`),
    );
    expect((page.json.components as Json[]).length).toBeLessThanOrEqual(5);
    expect(f.fake.violations).toEqual([]);
    expect(f.core.posted.has(`discord:${CHANNEL_ID}:${page.json.id}`)).toBe(true);
    // Options are typed, not joined into text.
    expect(f.core.events.find((e) => e.id === i.id)).toMatchObject({
      text: '',
      options: { request: 'heist movies' },
      actor: { userKey: `discord:${GUILD_ID}:${userId('alice')}` },
    });
  });

  it('a private answer to a usually public command is ephemeral from the first response', async () => {
    f.core.script.set('recommend', { replies: () => [{ text: 'Sorry, nothing fits.', ephemeral: true }] });
    try {
      const i = commandInteraction('alice', 'recommend');
      expect(shown(await f.send(i))).toEqual([['Sorry, nothing fits.', true]]);
      expect(f.forToken(i.token)[0]!.body).toMatchObject({ type: 4, data: { flags: 64 } });
    } finally {
      f.core.script.delete('recommend');
    }
  });

  it('a public part and a private part: both reach the asker, each with its own visibility', async () => {
    f.core.script.set('help', {
      replies: () => [{ text: 'Everyone sees this.' }, { text: 'Only you see this.', ephemeral: true }],
    });
    const i = commandInteraction('bob', 'help');
    expect(shown(await f.send(i))).toEqual([
      ['Everyone sees this.', false],
      ['Only you see this.', true],
    ]);
  });

  it('a user option arrives as a user key with the display name in mentions, and text stays empty', async () => {
    const i = commandInteraction('carol', 'compat', [userOption('user', 'ben')], undefined, {
      names: { [userId('ben')]: 'Ben' },
    });
    await f.send(i);
    const key = `discord:${GUILD_ID}:${userId('ben')}`;
    expect(f.core.events.find((e) => e.id === i.id)).toMatchObject({
      text: '',
      options: { user: key },
      mentions: [{ userKey: key, displayName: 'Ben' }],
    });
  });

  it('a DM user is discord:dm:<user>', async () => {
    const i = commandInteraction('ivy', 'profile', [], null);
    expect((await f.send(i)).length).toBe(1);
    expect(f.core.events.find((e) => e.id === i.id)).toMatchObject({
      actor: { userKey: `discord:dm:${userId('ivy')}`, tenant: 'dm' },
      channel: { key: `discord:dm:${CHANNEL_ID}` },
    });
  });

  it('empty autocomplete passes through what the core offers', async () => {
    const i = commandInteraction('bob', 'movie', [{ name: 'title', type: 3, value: '', focused: true }]);
    await f.send(i);
    expect(f.fake.rules.choicesOf(i.id)).toHaveLength(3);
    expect(f.core.autocompleteQueries.at(-1)).toBe('');
  });

  /** Posts a /recommend page and returns its message as Discord stores it. */
  async function page(user: string): Promise<Json> {
    const [m] = await f.send(commandInteraction(user, 'recommend'));
    return m!.json;
  }

  it('a pick that replaces its message is an UPDATE_MESSAGE: same message, new content, no new post', async () => {
    f.core.script.set('mr:pick:', {
      replies: (e) => [{ text: `You picked ${e.type === 'action' ? e.value : ''}`, replaceSource: true }],
    });
    const message = await page('dan');
    const select = (message.components as { components: { custom_id: string }[] }[])
      .flatMap((r) => r.components)
      .find((c) => c.custom_id === 's:mr:pick:s1')!;
    const press = componentInteraction('dan', message, select.custom_id, ['3']);
    const seen = await f.send(press);
    expect(f.forToken(press.token)[0]!.body).toMatchObject({ type: 7 });
    expect(shown(seen)).toEqual([['You picked 3', false]]);
    expect(seen[0]!.json.id).toBe(message.id);
    expect(f.core.events.find((e) => e.id === press.id)).toMatchObject({
      type: 'action',
      actionId: 'mr:pick:s1',
      value: '3',
      messageKey: `discord:${CHANNEL_ID}:${message.id}`,
    });
  });

  it('a press answered privately gets its own ephemeral message (type 4), the list untouched', async () => {
    const message = await page('eve');
    const press = componentInteraction('eve', message, 'b:mr:more:s1');
    const seen = await f.send(press);
    expect(f.forToken(press.token)[0]!.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(shown(seen)).toEqual([['ok mr:more:s1', true]]);
    expect(f.fake.messages.get(String(message.id))?.content).toBe('Picks for you');
  });

  it('a vote edits the poll in place with disabled buttons, and edits another message over REST', async () => {
    const [poll] = await f.send(commandInteraction('fay', 'recommend'));
    const [other] = await f.send(commandInteraction('fay', 'recommend'));
    const closed = (key: string): Reply => ({
      text: 'Poll closed: Movie 3 wins',
      editMessage: key,
      actions: [{ id: 'mr:vote:x:3', label: 'Movie 3', disabled: true }],
    });
    f.core.script.set('mr:more:', {
      replies: () => [
        closed(`discord:${CHANNEL_ID}:${poll!.json.id}`),
        closed(`discord:${CHANNEL_ID}:${other!.json.id}`),
        { text: 'Your vote counts.', ephemeral: true },
      ],
    });
    try {
      const press = componentInteraction('fay', poll!.json, 'b:mr:more:s1');
      const seen = await f.send(press);
      expect(f.forToken(press.token)[0]!.body).toMatchObject({ type: 7 });
      expect(shown(seen)).toEqual([
        ['Poll closed: Movie 3 wins', false],
        ['Your vote counts.', true],
      ]);
      const edited = f.fake.messages.get(String(other!.json.id))!;
      expect(edited.content).toBe('Poll closed: Movie 3 wins');
      const buttons = (edited.components as { components: Json[] }[]).flatMap((r) => r.components);
      expect(buttons).toEqual([expect.objectContaining({ custom_id: 'b:mr:vote:x:3', disabled: true })]);
      expect(f.fake.violations).toEqual([]);
    } finally {
      f.core.script.delete('mr:more:');
    }
  });
});

describe('Discord defers slow answers with the right visibility and never loses them', () => {
  let f: AdapterFixture;
  beforeAll(async () => {
    // A 1 ms budget and a core held until release(): every answer here takes the slow path.
    f = await startAdapterFixture({ answerBudgetMs: 1 });
  });
  afterAll(async () => {
    await f?.close();
  });

  async function slow(command: string, replies: Reply[], user = 'gus', options = {}) {
    f.core.script.set(command, { replies: () => replies, slow: true });
    const i = commandInteraction(user, command, [], undefined, options);
    const sent = f.send(i);
    const callback = await f.fake.waitForRequest((r) => r.path.includes(i.token));
    // Acknowledged while the core is still busy: the deferral is all that was sent.
    await f.fake.waitFor(() => f.core.events.find((e) => e.id === i.id), 10_000, 'core event');
    expect(f.forToken(i.token)).toHaveLength(1);
    f.core.release();
    const seen = await sent;
    f.core.script.delete(command);
    return { i, callback, seen };
  }

  it('a public deferral whose answer is private: neutral placeholder, private follow-up, nothing deleted', async () => {
    const { i, callback, seen } = await slow('recommend', [
      { text: 'Sorry, something failed.', ephemeral: true },
    ]);
    expect(callback.body).toMatchObject({ type: 5 });
    expect(ephemeralFlag(callback.body)).toBe(false);
    expect(shown(seen)).toEqual([
      [ANSWERED_PRIVATELY, false],
      ['Sorry, something failed.', true],
    ]);
    expect(f.forToken(i.token).some((r) => r.method === 'DELETE')).toBe(false);
    expect(f.fake.violations).toEqual([]);
  });

  it('a private deferral whose answer is public: neutral private placeholder, public follow-up', async () => {
    const { callback, seen } = await slow('profile', [{ text: 'Everyone may see this.' }]);
    expect(callback.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(shown(seen)).toEqual([
      [ANSWERED_PUBLICLY, true],
      ['Everyone may see this.', false],
    ]);
  });

  it('a deferral of the right visibility is filled with the answer itself', async () => {
    const { seen } = await slow('profile', [{ text: 'Your taste: noir.', ephemeral: true }]);
    expect(shown(seen)).toEqual([['Your taste: noir.', true]]);
  });

  it("defers with the command's declared visibility (CommandSpecInfo.visibility), the only source", async () => {
    // The real /help is private; FakeCore declares it public, and the deferral follows the declaration.
    const { callback } = await slow('help', [{ text: 'Help for everyone.' }]);
    expect(callback.body).toMatchObject({ type: 5 });
    expect(ephemeralFlag(callback.body)).toBe(false);
  });

  it('a slow press that replaces its message: DEFERRED_UPDATE_MESSAGE, then the message is edited', async () => {
    await slow('recommend', [{ text: 'A list', cards: [FakeCore.card(1), FakeCore.card(2)] }]);
    const list = [...f.fake.messages.values()].find((m) => m.content === 'A list')!;
    f.core.script.set('mr:seen:', {
      replies: () => [{ text: 'Marked as seen.', replaceSource: true }],
      slow: true,
    });
    const menu = (
      list.components as { components: { custom_id: string; options: { value: string }[] }[] }[]
    )[0]!.components[0]!;
    const press = componentInteraction('gus', list, menu.custom_id, [menu.options[0]!.value]);
    const sent = f.send(press);
    const callback = await f.fake.waitForRequest((r) => r.path.includes(press.token));
    expect(callback.body).toEqual({ type: 6 });
    f.core.release();
    const seen = await sent;
    expect(shown(seen)).toEqual([['Marked as seen.', false]]);
    expect(seen[0]!.json.id).toBe(list.id);
  });
});
