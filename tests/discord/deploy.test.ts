import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_PERMISSIONS, deploySlashCommands, inviteUrl } from '../../adapters/discord/deploy.ts';
import { buildSlashCommands } from '../../adapters/discord/slash-commands.ts';
import { COMMANDS } from '../../src/bot/commands/index.ts';
import type { CommandSpecInfo } from '../../src/bot/types.ts';
import { APP_ID, FakeDiscord, TOKEN } from './fake-discord.ts';

const NAME = /^[-_\p{Ll}\p{N}]{1,32}$/u;
const core: CommandSpecInfo[] = COMMANDS.filter((c) => !c.hidden);

/** Discord's rules for a chat-input command, checked independently of the builder. */
function problems(cmd: Record<string, unknown>): string[] {
  const out: string[] = [];
  const name = String(cmd.name);
  if (!NAME.test(name)) out.push(`${name}: bad name`);
  const description = String(cmd.description ?? '');
  if (description.length < 1 || description.length > 100) out.push(`${name}: description length`);
  const options = (cmd.options ?? []) as Record<string, unknown>[];
  if (options.length > 25) out.push(`${name}: too many options`);
  let optionalSeen = false;
  for (const o of options) {
    if (!NAME.test(String(o.name))) out.push(`${name}.${o.name}: bad option name`);
    const d = String(o.description ?? '');
    if (d.length < 1 || d.length > 100) out.push(`${name}.${o.name}: description length`);
    if (o.required && optionalSeen) out.push(`${name}.${o.name}: required option after an optional one`);
    if (!o.required) optionalSeen = true;
    if (o.autocomplete && o.choices) out.push(`${name}.${o.name}: autocomplete with choices`);
  }
  return out;
}

describe('slash commands from the core', () => {
  it('are valid Discord command definitions, one per core command, with title autocomplete', () => {
    const body = buildSlashCommands(core);
    expect(body.map((c) => c.name)).toEqual(core.map((c) => c.name));
    expect(body.flatMap((c) => problems(c as unknown as Record<string, unknown>))).toEqual([]);
    const autocompleted = core.flatMap((c) =>
      c.options.filter((o) => o.autocomplete).map((o) => `${c.name}.${o.name}`),
    );
    expect(autocompleted.length).toBeGreaterThan(0);
    const built = body.flatMap((c) =>
      (c.options ?? [])
        .filter((o) => 'autocomplete' in o && o.autocomplete)
        .map((o) => `${c.name}.${o.name}`),
    );
    expect(built.sort()).toEqual(autocompleted.sort());
  });

  it('puts required options first and shortens what is too long', () => {
    const [cmd] = buildSlashCommands([
      {
        name: 'Rate This',
        description: 'd'.repeat(300),
        usage: '',
        adminOnly: true,
        visibility: 'private',
        options: [
          { name: 'note', description: 'optional', type: 'string' },
          {
            name: 'stars',
            description: 'required',
            type: 'number',
            required: true,
            minValue: 0.5,
            maxValue: 5,
          },
        ],
      },
    ]);
    expect(problems(cmd as unknown as Record<string, unknown>)).toEqual([]);
    expect(cmd!.name).toBe('rate-this');
    expect(cmd!.options!.map((o) => o.name)).toEqual(['stars', 'note']);
    expect(cmd!.default_member_permissions).toBe('32');
  });
});

describe('movierec discord deploy', () => {
  let fake: FakeDiscord;
  beforeAll(async () => {
    fake = await FakeDiscord.start();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('bulk-overwrites global or guild commands and builds the invite URL', async () => {
    const global = await deploySlashCommands({ token: TOKEN, appId: undefined, apiUrl: fake.apiUrl }, core);
    expect(global.appId).toBe(APP_ID);
    expect(global.names).toEqual(core.map((c) => c.name));
    expect(
      fake.requests.some((r) => r.method === 'PUT' && r.path === `/applications/${APP_ID}/commands`),
    ).toBe(true);

    const guild = await deploySlashCommands({ token: TOKEN, appId: APP_ID, apiUrl: fake.apiUrl }, core, {
      guildId: '123456789012345678',
    });
    expect(guild.scope).toEqual({ guild: '123456789012345678' });
    expect(
      fake.requests.some(
        (r) => r.method === 'PUT' && r.path === `/applications/${APP_ID}/guilds/123456789012345678/commands`,
      ),
    ).toBe(true);

    const url = new URL(inviteUrl(APP_ID));
    expect(url.searchParams.get('scope')).toBe('bot applications.commands');
    expect(url.searchParams.get('client_id')).toBe(APP_ID);
    // View Channel, Send Messages, Send in Threads, Embed Links, Attach Files, Add Reactions, Read History.
    expect(BigInt(url.searchParams.get('permissions')!)).toBe(
      (1n << 10n) | (1n << 11n) | (1n << 38n) | (1n << 14n) | (1n << 15n) | (1n << 6n) | (1n << 16n),
    );
    expect(BOT_PERMISSIONS.has('Administrator')).toBe(false);
  });
});
