/**
 * The App Home tab: the user's taste profile (with recent ratings), watchlist and fresh
 * recommendations, each produced by running the matching core command as that user.
 */
import type { webApi } from '@slack/bolt';
import type { BotCore } from '../../src/bot/types.ts';
import type { Logger } from '../../src/logger.ts';
import { slackActor, slackChannel } from './identity.ts';
import { type HomeSection, renderHomeView } from './render.ts';

/** The Home sections, in order: title and the core command that fills it. */
export const HOME_SECTIONS: readonly { title: string; command: string; text: string }[] = [
  { title: 'Fresh recommendations', command: 'recommend', text: '' },
  { title: 'Your taste profile', command: 'profile', text: '' },
  { title: 'Your watchlist', command: 'watchlist', text: '' },
];

/**
 * Builds and publishes the Home tab for one user. `deliveryId` is the Slack event id; each section's
 * command gets its own id derived from it, so a retried `app_home_opened` is harmless.
 */
export async function publishHome(
  core: BotCore,
  client: webApi.WebClient,
  logger: Logger,
  team: string,
  user: string,
  deliveryId: string,
): Promise<void> {
  const known = new Set(core.commands.map((c) => c.name));
  const sections: HomeSection[] = [];
  for (const s of HOME_SECTIONS) {
    if (!known.has(s.command)) continue;
    const replies = await core.handle({
      type: 'command',
      id: `home:${deliveryId}:${s.command}`,
      actor: slackActor(team, user),
      channel: slackChannel(team, user),
      command: s.command,
      text: s.text,
    });
    // A retried delivery yields no replies: keep the view that is already there.
    if (replies.length === 0) return;
    sections.push(...replies.map((reply, i) => ({ title: i === 0 ? s.title : '', reply })));
  }
  const view = renderHomeView(sections.filter((s) => s.title || s.reply.text || s.reply.cards?.length));
  await client.views.publish({ user_id: user, view });
  logger.debug({ team, blocks: view.blocks.length }, 'published App Home');
}
