import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor, BotEvent, ChannelRef, Reply } from '../../src/bot/types.ts';
import { createTestCore, type TestCore } from '../contract/fixture.ts';

/** Creating a test database and training the fixture model takes minutes on a loaded 2-core machine. */
const SETUP_TIMEOUT_MS = 300_000;

const channel: ChannelRef = { key: 'discord:G9:C1', platform: 'discord', tenant: 'G9' };
/** Discord user ids are snowflakes (digits): one per name, so `<@id>` mentions resolve. */
const idOf = (name: string) =>
  String(1000 + ([...name].reduce((h, c) => h * 31 + c.charCodeAt(0), 7) % 100000));
const actor = (name: string): Actor => ({
  userKey: `discord:G9:${idOf(name)}`,
  platform: 'discord',
  tenant: 'G9',
  displayName: name,
});
let seq = 0;
const id = () => `live${++seq}`;
const command = (user: string, name: string, text = ''): BotEvent => ({
  type: 'command',
  id: id(),
  actor: actor(user),
  channel,
  command: name,
  text,
});
const press = (user: string, actionId: string): BotEvent => ({
  type: 'action',
  id: id(),
  actor: actor(user),
  channel,
  actionId,
});

describe('a movie-night poll that lives', () => {
  let t: TestCore;
  beforeAll(async () => {
    t = await createTestCore('pglite');
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  async function startPoll(members: string[]): Promise<Reply> {
    for (const m of members) await t.core.handle(command(m, 'rate', 'Heat 4'));
    const [poll] = await t.core.handle(
      command(
        members[0]!,
        'movienight',
        members
          .slice(1)
          .map((m) => `<@${idOf(m)}>`)
          .join(' '),
      ),
    );
    expect(poll!.data?.error).toBeUndefined();
    await t.core.messagePosted(poll!, `discord:C1:poll-${members[0]}`, channel);
    return poll!;
  }

  it('members vote, the poll message shows the tally, outsiders are told privately', async () => {
    const poll = await startPoll(['ana', 'ben', 'cy']);
    expect(poll.text).toMatch(/all 3 of you/);
    expect(poll.cards!.every((c) => c.actions.length === 0)).toBe(true);
    expect(poll.cards!.every((c) => c.predictionFor?.kind === 'group')).toBe(true);
    const [vote1, vote2] = poll.actions!;

    const outsider = await t.core.handle(press('zed', vote1!.id));
    expect(outsider).toHaveLength(1);
    expect(outsider[0]).toMatchObject({ ephemeral: true, data: { error: 'not-a-member' } });
    expect(outsider[0]!.text).toMatch(/ana, ben and cy/);

    const afterAna = await t.core.handle(press('ana', vote1!.id));
    expect(afterAna[0]).toMatchObject({ ephemeral: true });
    expect(afterAna[0]!.text).toMatch(/1 of 3 have voted/);
    const edit = afterAna.find((r) => r.editMessage);
    expect(edit?.editMessage).toBe('discord:C1:poll-ana');
    expect(edit!.text).toMatch(/Votes: 1 of 3/);
    expect(edit!.actions!.every((a) => !a.disabled)).toBe(true);

    const afterBen = await t.core.handle(press('ben', vote2!.id));
    expect(afterBen.find((r) => r.editMessage)!.text).toMatch(/Votes: 2 of 3/);
    // The outsider's press changed nothing: still 2 of 3 after the members, never "3 of 3" early.
    expect(afterBen.find((r) => r.editMessage)!.text).not.toMatch(/3 of 3/);
  });

  it('the last vote closes the poll: its message shows the winner with disabled buttons', async () => {
    const poll = await startPoll(['dee', 'eve']);
    expect(poll.text).toMatch(/both of you/);
    const [vote1] = poll.actions!;
    await t.core.handle(press('dee', vote1!.id));
    const replies = await t.core.handle(press('eve', vote1!.id));
    const closed = replies.find((r) => r.editMessage);
    expect(closed?.editMessage).toBe('discord:C1:poll-dee');
    expect(closed!.actions!.every((a) => a.disabled)).toBe(true);
    expect(closed!.text).toMatch(/Voting has closed: \*\*.+\*\* won/);
    const announcement = replies.find((r) => !r.editMessage && !r.ephemeral);
    expect(announcement!.text).toMatch(/Everyone has voted/);
    expect(announcement!.text).toContain(poll.cards![0]!.title);
  });

  it('/movienight close edits the poll to its closed state too', async () => {
    const poll = await startPoll(['fay', 'gus']);
    const replies = await t.core.handle(command('gus', 'movienight', 'close'));
    const closed = replies.find((r) => r.editMessage);
    expect(closed?.editMessage).toBe('discord:C1:poll-fay');
    expect(closed!.actions).toHaveLength(poll.actions!.length);
    expect(closed!.actions!.every((a) => a.disabled)).toBe(true);
  });
});
