import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  NAMESPACE_COMMAND,
  routeSlashCommand,
  SHORT_COMMANDS,
  SLACK_SLASH_COMMANDS,
} from '../../adapters/slack/commands.ts';
import { COMMANDS, findCommand } from '../../src/bot/commands/index.ts';

interface Manifest {
  features: {
    app_home: { home_tab_enabled: boolean };
    slash_commands: { command: string; url: string; description: string; usage_hint?: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
  };
}

const manifest = JSON.parse(
  readFileSync(new URL('../../adapters/slack/manifest.json', import.meta.url), 'utf8'),
) as Manifest;

/** Slack's manifest limits for slash commands. */
const COMMAND_DESCRIPTION_MAX = 100;
const COMMAND_NAME_MAX = 32;

describe('Slack app manifest', () => {
  it('declares one namespace, /movierec, and only /recommend and /rate as short commands', () => {
    const declared = manifest.features.slash_commands.map((c) => c.command);
    expect([...declared].sort()).toEqual(['/movierec', '/rate', '/recommend']);
    expect([...SLACK_SLASH_COMMANDS].sort()).toEqual([...declared].sort());
    for (const c of manifest.features.slash_commands) {
      expect(c.command).toMatch(/^\/[a-z0-9-]+$/);
      expect(c.command.length).toBeLessThanOrEqual(COMMAND_NAME_MAX);
      expect(c.description.length).toBeLessThanOrEqual(COMMAND_DESCRIPTION_MAX);
      // Mentions arrive as <@U…|name> only when Slack escapes them (the manifest's should_escape).
      expect((c as { should_escape?: boolean }).should_escape).toBe(true);
    }
  });

  it('the handlers reach every visible core command through /movierec, the short ones directly too', () => {
    for (const command of COMMANDS.filter((c) => !c.hidden && c.name !== 'help')) {
      expect(routeSlashCommand(`/${NAMESPACE_COMMAND}`, `${command.name} some text`)).toEqual({
        kind: 'core',
        command: command.name,
        text: 'some text',
      });
      expect(findCommand(command.name)).toBe(command);
    }
    for (const short of SHORT_COMMANDS) {
      expect(routeSlashCommand(`/${short}`, 'Heat 4')).toEqual({
        kind: 'core',
        command: short,
        text: 'Heat 4',
      });
      // `/recommend help` is a request for help, not for the film The Help.
      expect(routeSlashCommand(`/${short}`, 'help')).toEqual({ kind: 'help' });
    }
    expect(routeSlashCommand('/movierec', '')).toEqual({ kind: 'help' });
    // Slack escapes what people type: `rock & roll` arrives as `rock &amp; roll`.
    expect(routeSlashCommand('/recommend', 'rock &amp; roll, not &lt;90 min&gt;')).toEqual({
      kind: 'core',
      command: 'recommend',
      text: 'rock & roll, not <90 min>',
    });
    expect(routeSlashCommand('/movierec', 'help')).toEqual({ kind: 'help' });
  });

  it('sends commands, events and interactions to the one endpoint the adapter serves', () => {
    const urls = new Set([
      ...manifest.features.slash_commands.map((c) => c.url),
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
    ]);
    expect(urls.size).toBe(1);
    expect([...urls][0]).toMatch(/^https:\/\/[^/]+\/slack\/events$/);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
  });

  it('asks for the scopes and events the adapter uses', () => {
    expect(manifest.oauth_config.scopes.bot).toEqual(
      expect.arrayContaining([
        'commands',
        'chat:write',
        'reactions:read',
        'reactions:write',
        'users:read',
        'files:read',
        'files:write',
        'im:write',
        // conversations.members for `/movierec movienight here`, in public and private channels.
        'channels:read',
        'groups:read',
      ]),
    );
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(
      ['app_home_opened', 'app_uninstalled', 'reaction_added', 'reaction_removed', 'tokens_revoked'].sort(),
    );
  });
});
