/**
 * Slack ids → the core's namespaced keys: users `slack:<team>:<user>`, channels `slack:<team>:<channel>`,
 * messages `slack:<channel>:<ts>`.
 */
import type { Actor, ChannelRef } from '../../src/bot/types.ts';

/** The user key of a Slack user in a workspace. */
export function slackUserKey(team: string, user: string): string {
  return `slack:${team}:${user}`;
}

/** The actor for a Slack user. */
export function slackActor(team: string, user: string, displayName?: string, isAdmin?: boolean): Actor {
  const actor: Actor = { userKey: slackUserKey(team, user), platform: 'slack', tenant: team };
  if (displayName) actor.displayName = displayName;
  if (isAdmin !== undefined) actor.isAdmin = isAdmin;
  return actor;
}

/** The channel reference for a Slack conversation. */
export function slackChannel(team: string, channel: string): ChannelRef {
  return { key: `slack:${team}:${channel}`, platform: 'slack', tenant: team };
}

/** The message key the core stores for a posted message (reactions and buttons look it up). */
export function slackMessageKey(channel: string, ts: string): string {
  return `slack:${channel}:${ts}`;
}

/** Slack reaction names carry a skin tone suffix (`+1::skin-tone-3`); the meaning does not depend on it. */
export function reactionName(reaction: string): string {
  return reaction.replace(/::skin-tone-\d$/, '');
}

/**
 * The rating reactions the bot adds to a single-movie card, as Slack short names: the same set as
 * Discord (1️⃣–5️⃣, 🔖 watchlist, 🚫 not interested).
 */
export const SLACK_RATING_REACTIONS = ['one', 'two', 'three', 'four', 'five', 'bookmark', 'no_entry_sign'];

/** The channel and ts of a message key made by {@link slackMessageKey}; undefined for other platforms' keys. */
export function parseSlackMessageKey(key: string): { channel: string; ts: string } | undefined {
  const m = /^slack:([A-Z0-9]+):(\d+\.\d+)$/.exec(key);
  return m ? { channel: m[1]!, ts: m[2]! } : undefined;
}

/**
 * The people a slash command's text mentions. With the command's "escape channels, users, and links"
 * option on (`should_escape: true` in the manifest), Slack sends a mention as `<@U0ZED|zed>` (or
 * `<@U0ZED>`); each becomes the user's key in this workspace and, when Slack gave one, their name.
 */
export function slackMentions(team: string, text: string): { userKey: string; displayName?: string }[] {
  const seen = new Set<string>();
  const out: { userKey: string; displayName?: string }[] = [];
  for (const m of text.matchAll(/<@([UW][A-Z0-9]{2,30})(?:\|([^>]{1,80}))?>/g)) {
    const userKey = slackUserKey(team, m[1]!);
    if (seen.has(userKey)) continue;
    seen.add(userKey);
    out.push(m[2]?.trim() ? { userKey, displayName: m[2].trim() } : { userKey });
  }
  return out;
}
