import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/db/schema.ts';
import { createConsoleHarness } from '../contract/console-harness.ts';
import { createTestCore, FIXTURE_MOVIES, type TestCore } from '../contract/fixture.ts';
import type { AdapterHarness, RenderedMessage } from '../contract/harness.ts';
import { createDiscordHarness, type DiscordHarness } from '../discord/discord-harness.ts';
import { DB_KINDS } from '../helpers/db.ts';
import { createSlackHarness } from '../slack/harness.ts';

/** Creating a test database, training the fixture model and starting both adapters takes a while. */
const SETUP_TIMEOUT_MS = 300_000;
const CODE = /\b([2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4})\b/;
/** The fixture's sci-fi cluster (its first 12 films). */
const SCI_FI = new Set(FIXTURE_MOVIES.slice(0, 12).map((m) => m.title));
/** What ana rates on Slack. */
const RATED = ['Alien', 'Blade Runner', 'Stalker', 'Gattaca', 'Moon', 'Heat'];

/**
 * Linking end to end through both real adapters (discord.js against the fake Discord, Bolt against the
 * fake Slack Web API) and one real core: a code issued on Discord, redeemed on Slack.
 */
describe.each(DB_KINDS)('linking a Discord and a Slack account end to end (%s)', (kind) => {
  let t: TestCore;
  let discord: DiscordHarness;
  let slack: AdapterHarness;
  let terminal: AdapterHarness;

  beforeAll(async () => {
    t = await createTestCore(kind);
    discord = await createDiscordHarness(t.core);
    slack = await createSlackHarness(t.core);
    terminal = await createConsoleHarness(t.core);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await terminal?.close();
    await discord?.close();
    await slack?.close();
    await t?.close();
  });

  const all = (messages: RenderedMessage[]) => messages.map((m) => m.text).join('\n');

  async function issueOn(h: AdapterHarness, user: string): Promise<string> {
    const messages = await h.command(user, 'link', '');
    expect(messages.length).toBeGreaterThan(0);
    // The code is for the asker's eyes only.
    expect(messages.every((m) => m.ephemeral)).toBe(true);
    const code = CODE.exec(all(messages))?.[1];
    expect(code).toBeDefined();
    return code!;
  }

  it('a code from Discord /link, redeemed with /movierec link on Slack: Slack ratings reach Discord', async () => {
    const code = await issueOn(discord, 'ana');
    // Discord tells the person how to type it on each platform.
    const redeemed = await slack.command('ana', 'link', code);
    expect(redeemed.every((m) => m.ephemeral)).toBe(true);
    expect(all(redeemed)).toMatch(/Linked\W* with your Discord account/);
    expect(all(redeemed)).toMatch(/\/movierec unlink/);

    for (const title of ['Alien', 'Blade Runner', 'Stalker', 'Gattaca', 'Moon']) {
      const rated = await slack.command('ana', 'rate', `${title} 5`);
      expect(all(rated)).toMatch(/★/);
    }
    await slack.command('ana', 'rate', 'Heat 1');

    const profile = await discord.command('ana', 'profile', '');
    expect(profile.every((m) => m.ephemeral)).toBe(true);
    expect(all(profile)).toMatch(/Ratings: 6/);
    expect(all(profile)).toMatch(/Moon \(\d{4}\) — ★★★★★/);

    const recs = (await discord.command('ana', 'recommend', '')).filter((m) => m.titles.length > 0);
    expect(recs).toHaveLength(1);
    const titles = recs[0]!.titles;
    expect(titles.length).toBeGreaterThanOrEqual(3);
    // Nothing already rated on Slack, and mostly the taste rated there (the Discord account rated nothing).
    for (const rated of RATED) expect(titles).not.toContain(rated);
    expect(titles.filter((x) => SCI_FI.has(x)).length).toBeGreaterThan(titles.length / 2);
    // The control: a Discord account without that history is offered films ana rated on Slack.
    const [control] = (await discord.command('zed', 'recommend', '')).filter((m) => m.titles.length > 0);
    expect(control!.titles.filter((x) => RATED.includes(x)).length).toBeGreaterThan(0);
  });

  it('a reused or wrong code on Slack gets a clear private answer and links nothing', async () => {
    const code = await issueOn(discord, 'ben');
    expect(all(await slack.command('ben', 'link', code))).toMatch(/Linked/);
    const reused = await slack.command('cy', 'link', code);
    expect(reused.every((m) => m.ephemeral)).toBe(true);
    expect(all(reused)).toMatch(/already used/);
    const wrong = await slack.command('cy', 'link', 'ABCD-2345');
    expect(all(wrong)).toMatch(/isn't valid/);
    const [cy] = await t.db.db
      .select()
      .from(users)
      .where(eq(users.externalId, slack.userKey('cy')));
    expect(cy!.profileId).toBeNull();
  });

  it('/movierec forget-me on a linked Slack account offers both choices; "all" deletes both accounts', async () => {
    const code = await issueOn(slack, 'dee');
    expect(all(await discord.command('dee', 'link', code))).toMatch(/Linked\W* with your Slack account/);
    const [ask] = await slack.command('dee', 'forget-me', '');
    expect(ask!.ephemeral).toBe(true);
    expect(ask!.text).toMatch(/Only this account/);
    expect(ask!.text).toMatch(/All linked accounts/);
    const allId = ask!.actionIds.find((id) => id.endsWith(':all'))!;
    expect(all(await slack.press('dee', ask!, allId))).toMatch(/every account linked/);
    for (const key of [slack.userKey('dee'), discord.userKey('dee')]) {
      expect(await t.db.db.select().from(users).where(eq(users.externalId, key))).toEqual([]);
    }
  });

  it('Discord /forget-me on a linked account: "Only this account" keeps the Slack side\'s shared history', async () => {
    const code = await issueOn(discord, 'fay');
    await slack.command('fay', 'link', code);
    await discord.command('fay', 'rate', 'Heat 4');
    const [ask] = await discord.command('fay', 'forget-me', '');
    expect(ask!.ephemeral).toBe(true);
    const only = ask!.actionIds.find((id) => id.startsWith('mr:forget:') && !id.endsWith(':all'))!;
    expect(ask!.actionIds.some((id) => id.endsWith(':all'))).toBe(true);
    expect(all(await discord.press('fay', ask!, only))).toMatch(/other linked account keeps/);
    expect(
      await t.db.db
        .select()
        .from(users)
        .where(eq(users.externalId, discord.userKey('fay'))),
    ).toEqual([]);
    expect(all(await slack.command('fay', 'profile', ''))).toMatch(/Ratings: 1\b/);
  });

  it('the console links too: a code from the terminal redeemed on Discord, and /unlink there', async () => {
    const code = await issueOn(terminal, 'gus');
    expect(all(await discord.command('gus', 'link', code))).toMatch(/Linked\W* with the console user "gus"/);
    await terminal.command('gus', 'rate', 'Fargo 4.5');
    expect(all(await discord.command('gus', 'profile', ''))).toMatch(/Fargo \(\d{4}\) — ★★★★½/);
    const [ask] = await terminal.command('gus', 'forget-me', '');
    expect(ask!.text).toMatch(/\/forget-me all/);
    const unlinked = await discord.command('gus', 'unlink', '');
    expect(all(unlinked)).toMatch(/keep a copy/);
    await terminal.command('gus', 'rate', 'Drive 2');
    expect(all(await discord.command('gus', 'profile', ''))).not.toMatch(/Drive/);
  });

  it('Discord registers /link with a typed code option, and help on each platform names it', async () => {
    const spec = t.core.commands.find((c) => c.name === 'link')!;
    expect(spec.options).toEqual([expect.objectContaining({ name: 'code', type: 'string' })]);
    expect(spec.visibility).toBe('private');
    expect(all(await discord.command('eve', 'help', ''))).toMatch(/\/link \[code\]/);
    expect(all(await slack.command('eve', 'help', ''))).toMatch(/\/movierec link \[code\]/);
    expect(all(await slack.command('eve', 'help', ''))).toMatch(/\/movierec unlink/);
  });
});
