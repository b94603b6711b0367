import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotCore, BotEvent, Reply } from '../../src/bot/types.ts';
import { createTestCore, type TestCore } from '../contract/fixture.ts';
import { DB_KINDS } from '../helpers/db.ts';
import { createDiscordHarness, type DiscordHarness } from './discord-harness.ts';
import {
  attachmentCommand,
  type CommandOptionValue,
  commandInteraction,
  MANAGE_GUILD,
  userId,
  userOption,
} from './gateway-payloads.ts';

/** Creating the test database and training the fixture model takes minutes on a loaded machine. */
const SETUP_TIMEOUT_MS = 300_000;
const TEST_TIMEOUT_MS = 60_000;

type Step = {
  options?: CommandOptionValue[];
  /** Run in a DM (no guild). */
  dm?: boolean;
  admin?: boolean;
  /** An attached ratings.csv with this content (for /import). */
  csv?: string;
};

/** One command's inputs: the usual success, and the usual user error (misspelled, ambiguous, missing …). */
interface Case {
  command: string;
  /** Commands run first by the same user (e.g. /recommend before /more). */
  setup?: { command: string; step: Step }[];
  success: Step;
  /** Null where typed options leave no way to get it wrong (/help, /profile, /onboard, /forget-me). */
  userError: Step | null;
}

const s = (name: string, value: string | number): CommandOptionValue => ({
  name,
  type: typeof value === 'number' ? 10 : 3,
  value,
});
const i = (name: string, value: number): CommandOptionValue => ({ name, type: 4, value });

const CASES: Case[] = [
  { command: 'help', success: {}, userError: null },
  { command: 'recommend', success: {}, userError: { options: [s('text', 'x'.repeat(3000))] } },
  {
    command: 'more',
    setup: [{ command: 'recommend', step: {} }],
    success: {},
    userError: {},
  },
  {
    command: 'rate',
    success: { options: [s('title', 'Heat'), s('stars', 4)] },
    userError: { options: [s('title', 'Solaris'), s('stars', 4)] },
  },
  {
    command: 'movie',
    success: { options: [s('title', 'Heat')] },
    userError: { options: [s('title', 'Zzyzx Qwvvt')] },
  },
  {
    command: 'similar',
    success: { options: [s('title', 'Ronin')] },
    userError: { options: [s('title', 'Hheaat Qwvvt')] },
  },
  {
    command: 'search',
    success: { options: [s('words', 'heat')] },
    userError: { options: [s('words', 'qqzzxx')] },
  },
  {
    command: 'prefs',
    success: { options: [s('text', 'I love sci-fi')] },
    userError: { options: [s('text', '???')] },
  },
  { command: 'profile', success: {}, userError: null },
  {
    command: 'watchlist',
    success: { options: [s('action', 'add'), s('title', 'Heat')] },
    userError: { options: [s('action', 'remove')] },
  },
  {
    command: 'seen',
    success: { options: [s('title', 'Ronin')] },
    userError: { options: [s('title', 'Solaris')] },
  },
  {
    command: 'not-interested',
    success: { options: [s('title', 'Thief')] },
    userError: { options: [s('title', 'Zzyzx Qwvvt')] },
  },
  {
    command: 'region',
    success: { options: [s('code', 'DE')] },
    userError: { options: [s('code', 'zz-nowhere')] },
  },
  {
    command: 'compat',
    setup: [{ command: 'rate', step: { options: [s('title', 'Heat'), s('stars', 5)] } }],
    success: { options: [userOption('user', 'matrix-peer')] },
    userError: { options: [userOption('user', 'nobody-here')] },
  },
  {
    command: 'movienight',
    success: { options: [s('members', 'here')] },
    userError: { dm: true },
  },
  { command: 'vote', success: { options: [i('number', 1)] }, userError: { options: [i('number', 99)] } },
  { command: 'stats', success: { admin: true }, userError: {} },
  { command: 'link', success: {}, userError: { options: [s('code', 'ABCD-2345')] } },
  // Success: the same person links their DM account with this server's first (in the test below).
  { command: 'unlink', success: {}, userError: {} },
  { command: 'forget-me', success: {}, userError: null },
  { command: 'onboard', success: {}, userError: null },
  {
    command: 'import',
    success: { csv: 'Date,Name,Year,Letterboxd URI,Rating\n2024-01-01,Zodiac,2002,https://boxd.it/x,4.5\n' },
    userError: { csv: 'Date,Name,Year,Letterboxd URI,Rating\n' },
  },
];

/**
 * "The reply to every interaction is visible to the person who asked, in every command's success and
 * error paths": every command × {success, user error} through the adapter against the strict fake
 * Discord, with the real core. What the asker sees is read from the fake's messages, which follow
 * Discord's rules (a deferral fixes visibility; the first follow-up fills the placeholder; a deleted
 * message is gone).
 */
describe.each(DB_KINDS)('every command answers the asker on Discord (real core, %s)', (kind) => {
  let t: TestCore;
  let h: DiscordHarness;
  const replies = new Map<string, Reply[]>();

  beforeAll(async () => {
    t = await createTestCore(kind);
    // Records what the core answered each interaction, to compare with what Discord shows.
    const core: BotCore = Object.create(t.core);
    core.handle = async (event: BotEvent) => {
      const out = await t.core.handle(event);
      replies.set(event.id, out);
      return out;
    };
    Object.defineProperty(core, 'commands', { get: () => t.core.commands });
    h = await createDiscordHarness(core);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await h?.close();
    await t?.close();
  });

  function payload(user: string, command: string, step: Step) {
    if (step.csv !== undefined) {
      return attachmentCommand(user, command, 'file', h.fake.addAttachment(`${user}.csv`, step.csv));
    }
    const names = Object.fromEntries(['matrix-peer', 'nobody-here'].map((n) => [userId(n), n]));
    return commandInteraction(user, command, step.options ?? [], step.dm ? null : undefined, {
      ...(step.admin && { permissions: MANAGE_GUILD }),
      names,
    });
  }

  it('has a case for every command the core offers', () => {
    expect(CASES.map((c) => c.command).sort()).toEqual(t.core.commands.map((c) => c.name).sort());
  });

  const rows = CASES.flatMap((c) => [
    { ...c, outcome: 'success', step: c.success },
    ...(c.userError ? [{ ...c, outcome: 'user error', step: c.userError }] : []),
  ]);

  it.each(rows)(
    '/$command ($outcome): the asker sees the answer, private parts privately',
    async (row) => {
      const user = `m-${row.command}-${row.outcome === 'success' ? 'ok' : 'err'}`;
      if (row.command === 'compat')
        await h.interact(payload('matrix-peer', 'rate', { options: [s('title', 'Heat'), s('stars', 4)] }));
      if (row.command === 'unlink' && row.outcome === 'success') {
        // A DM account is another tenant: its code links it with the same person's server account.
        const issued = await h.interact(payload(user, 'link', { dm: true }));
        const code = /[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}/.exec(issued.map((m) => m.text).join('\n'))![0];
        await h.interact(payload(user, 'link', { options: [s('code', code)] }));
      }
      for (const pre of row.setup ?? []) await h.interact(payload(user, pre.command, pre.step));
      const p = payload(user, row.command, row.step);
      const seen = await h.interact(p);
      expect(h.fake.violations).toEqual([]);
      if (row.command === 'unlink' && row.outcome === 'success')
        expect(replies.get(p.id)?.[0]?.data?.unlinked).toBe(true);
      expect(seen.length, 'the asker sees no answer').toBeGreaterThan(0);
      expect(seen.some((m) => m.text.trim() !== '' && m.text !== '…')).toBe(true);
      // Each reply's first line shows in a message of its own visibility, and a private one nowhere public.
      for (const reply of replies.get(p.id) ?? []) {
        const line = reply.text.split('\n')[0]!.trim().slice(0, 40);
        if (line === '') continue;
        const showing = seen.filter((m) => m.text.includes(line));
        expect(showing.length, `"${line}" is not shown`).toBeGreaterThan(0);
        expect(showing.every((m) => m.ephemeral === (reply.ephemeral === true))).toBe(true);
      }
    },
    TEST_TIMEOUT_MS,
  );
});
