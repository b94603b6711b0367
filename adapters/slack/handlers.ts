/**
 * Bolt listeners: slash commands, block actions and events become core {@link BotEvent}s; replies go
 * out through {@link deliverReplies}. Every listener acknowledges first (Slack wants an answer within
 * 3 s) and does the work afterwards, tracked so `stop()` can wait for it.
 */
import type { App, BlockAction, webApi } from '@slack/bolt';
import { MAX_IMPORT_BYTES } from '../../src/bot/ratings-import.ts';
import type { Attachment, BotCore } from '../../src/bot/types.ts';
import type { Logger } from '../../src/logger.ts';
import { routeSlashCommand, slackHelp, slackInvocation } from './commands.ts';
import { type DeliveryTarget, deliverReplies } from './deliver.ts';
import { fetchLinkedFile } from './files.ts';
import { publishHome } from './home.ts';
import {
  reactionName,
  slackActor,
  slackChannel,
  slackMentions,
  slackMessageKey,
  slackUserKey,
} from './identity.ts';

export interface ListenerContext {
  core: () => BotCore;
  logger: Logger;
  /** Runs background work after the ack; `stop()` waits for it. */
  track: (work: Promise<unknown>) => void;
  /** True once `stop()` began: new events are acknowledged but not started. */
  stopping: () => boolean;
  /** Host of SLACK_API_URL when set (a proxy or test fake), also trusted for file downloads. */
  apiHost?: string;
  /**
   * The app lost a workspace (`app_uninstalled`, bot token revoked): forgets its installation (OAuth
   * mode) and says whether its data should go too; false for a workspace this app never served
   * (single-workspace mode, another team). Without it every such event purges.
   */
  releaseWorkspace?: (team: string) => Promise<boolean>;
}

/** Commands that may use "everyone here": the adapter lists the channel's members for them. */
const GROUP_COMMANDS = new Set(['movienight']);
/** Members listed for a group command; the core caps the group far below this anyway. */
const MEMBERS_LISTED_MAX = 200;

const APOLOGY = 'Sorry, something went wrong on my side. Please try again in a moment.';
const IMPORT_HOW =
  'Upload your ratings.csv (Letterboxd or IMDb export) in our DM, copy the link to the file and run `/movierec import <link>`.';
const IMPORT_HELP: Record<'none' | 'too-big' | 'unavailable', string> = {
  none: IMPORT_HOW,
  'too-big': `That file is too big to import (at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB).`,
  unavailable: `I can't open that file. ${IMPORT_HOW}`,
};

/** Registers every listener the adapter needs on a bolt App. */
export function registerListeners(app: App, ctx: ListenerContext): void {
  app.command(/^\/.+/, async ({ ack, body, respond, client, context }) => {
    await ack();
    if (ctx.stopping()) return;
    ctx.track(
      (async () => {
        const routed = routeSlashCommand(body.command, body.text ?? '');
        const core = ctx.core();
        const channel = slackChannel(body.team_id, body.channel_id);
        const target: DeliveryTarget = {
          core,
          client,
          logger: ctx.logger,
          channel,
          channelId: body.channel_id,
          userId: body.user_id,
          respond,
        };
        if (routed.kind === 'help') {
          await deliverReplies(target, [slackHelp(core.commands)]);
          return;
        }
        const { command } = routed;
        target.askedBy = { command: slackInvocation(command).slice(1), text: routed.text };
        const spec = core.commands.find((c) => c.name === command);
        const isAdmin = spec?.adminOnly ? await userIsAdmin(client, body.user_id, ctx.logger) : undefined;
        if (GROUP_COMMANDS.has(command)) {
          const members = await channelMembers(client, body.channel_id, context.botUserId, ctx.logger);
          if (members) channel.memberKeys = members.map((u) => slackUserKey(body.team_id, u));
        }
        let attachments: Attachment[] | undefined;
        if (command === 'import') {
          const file = await fetchLinkedFile(
            client,
            context.botToken ?? '',
            routed.text,
            MAX_IMPORT_BYTES,
            ctx.apiHost,
          );
          if (file.kind !== 'ok') {
            await deliverReplies(target, [{ text: IMPORT_HELP[file.kind], ephemeral: true }]);
            return;
          }
          attachments = [file.attachment];
        }
        // From the raw text: only Slack's own tokens are mentions, not an escaped `&lt;@U…&gt;` someone typed.
        const mentions = slackMentions(body.team_id, body.text ?? '');
        const replies = await core.handle({
          type: 'command',
          // trigger_id is unique per invocation; Slack does not retry slash commands.
          id: body.trigger_id,
          actor: slackActor(body.team_id, body.user_id, body.user_name, isAdmin),
          channel,
          command,
          text: attachments ? '' : routed.text,
          ...(mentions.length ? { mentions } : {}),
          ...(attachments ? { attachments } : {}),
        });
        await deliverReplies(target, replies);
      })().catch((error) =>
        apologise(ctx, error, () => respond({ response_type: 'ephemeral', text: APOLOGY })),
      ),
    );
  });

  app.action<BlockAction>(/.+/, async ({ ack, body, respond, client }) => {
    await ack();
    if (ctx.stopping() || body.type !== 'block_actions') return;
    const action = body.actions[0];
    const team = body.team?.id ?? body.user.team_id;
    if (!action || !team) return;
    ctx.track(
      (async () => {
        const core = ctx.core();
        const fromHome = body.container?.type === 'view';
        // Buttons on the Home tab have no conversation: answer in the app's DM with the user.
        const channelId = body.channel?.id ?? body.user.id;
        const channel = slackChannel(team, channelId);
        const ts = body.message?.ts ?? (body.container?.message_ts as string | undefined);
        const value =
          action.type === 'static_select'
            ? action.selected_option?.value
            : (action as { value?: string }).value;
        const replies = await core.handle({
          type: 'action',
          id: body.trigger_id,
          actor: slackActor(team, body.user.id, body.user.username ?? body.user.name),
          channel,
          actionId: action.action_id,
          ...(value !== undefined ? { value } : {}),
          ...(ts && !fromHome ? { messageKey: slackMessageKey(channelId, ts) } : {}),
        });
        const target: DeliveryTarget = {
          core,
          client,
          logger: ctx.logger,
          channel,
          channelId,
          userId: body.user.id,
          // The Home tab has no conversation to be public in; a button on an ephemeral message may
          // still get a public answer (the core decides), which then replaces nothing public.
          privateOnly: fromHome,
          ...(fromHome ? {} : { respond }),
          ...(ts && !fromHome ? { source: { ts, ephemeral: body.container?.is_ephemeral === true } } : {}),
        };
        await deliverReplies(target, replies);
        if (fromHome) await publishHome(core, client, ctx.logger, team, body.user.id, body.trigger_id);
      })().catch((error) =>
        apologise(ctx, error, () =>
          client.chat.postEphemeral({
            channel: body.channel?.id ?? body.user.id,
            user: body.user.id,
            text: APOLOGY,
          }),
        ),
      ),
    );
  });

  for (const added of [true, false]) {
    app.event(added ? 'reaction_added' : 'reaction_removed', async ({ body, event, client, context }) => {
      if (ctx.stopping() || event.item.type !== 'message') return;
      // Only the bot's own cards can be rated; everything else in the channel is none of our business.
      if (context.botUserId && event.item_user && event.item_user !== context.botUserId) return;
      if (event.user === context.botUserId) return;
      const team = body.team_id;
      const { channel: channelId, ts } = event.item;
      ctx.track(
        (async () => {
          const core = ctx.core();
          const channel = slackChannel(team, channelId);
          const replies = await core.handle({
            type: 'reaction',
            // Slack's event_id: the same on every retry (X-Slack-Retry-Num), so the core counts it once.
            id: body.event_id,
            actor: slackActor(team, event.user),
            channel,
            messageKey: slackMessageKey(channelId, ts),
            emoji: reactionName(event.reaction),
            added,
          });
          await deliverReplies(
            { core, client, logger: ctx.logger, channel, channelId, userId: event.user },
            replies,
          );
        })().catch((error) => apologise(ctx, error)),
      );
    });
  }

  app.event('app_home_opened', async ({ body, event, client }) => {
    if (ctx.stopping() || event.tab !== 'home') return;
    ctx.track(
      publishHome(ctx.core(), client, ctx.logger, body.team_id, event.user, body.event_id).catch((error) =>
        apologise(ctx, error),
      ),
    );
  });

  app.event('app_uninstalled', async ({ body }) => {
    ctx.track(purge(ctx, body.team_id, 'app_uninstalled'));
  });

  app.event('tokens_revoked', async ({ body, event }) => {
    // Only the bot token matters: without it the workspace can no longer use movierec.
    if (!event.tokens.bot?.length) return;
    ctx.track(purge(ctx, body.team_id, 'tokens_revoked'));
  });
}

async function purge(ctx: ListenerContext, team: string, reason: string): Promise<void> {
  try {
    // The installation first: from then on the workspace's events are refused, so nothing new is written.
    if (ctx.releaseWorkspace && !(await ctx.releaseWorkspace(team))) return;
    const { users } = await ctx.core().purgeTenant('slack', team);
    ctx.logger.info({ team, users, reason }, 'purged Slack workspace data');
  } catch (error) {
    ctx.logger.error({ err: error, team, reason }, 'could not purge Slack workspace data');
  }
}

/**
 * The channel's human members (one page), or undefined when Slack will not say (missing
 * `channels:read`/`groups:read`, a DM): the core then falls back to recent raters.
 */
async function channelMembers(
  client: webApi.WebClient,
  channel: string,
  botUserId: string | undefined,
  logger: Logger,
): Promise<string[] | undefined> {
  try {
    const res = await client.conversations.members({ channel, limit: MEMBERS_LISTED_MAX });
    return (res.members ?? []).filter((m) => m !== botUserId);
  } catch (error) {
    logger.info({ err: error, channel }, 'conversations.members failed; no member list for this command');
    return undefined;
  }
}

async function userIsAdmin(client: webApi.WebClient, user: string, logger: Logger): Promise<boolean> {
  try {
    const info = await client.users.info({ user });
    return Boolean(info.user?.is_admin || info.user?.is_owner);
  } catch (error) {
    logger.warn({ err: error }, 'users.info failed; treating the user as non-admin');
    return false;
  }
}

async function apologise(ctx: ListenerContext, error: unknown, tell?: () => Promise<unknown>): Promise<void> {
  ctx.logger.error({ err: error }, 'Slack event handling failed');
  try {
    await tell?.();
  } catch (tellError) {
    ctx.logger.warn({ err: tellError }, 'could not tell the user about the failure');
  }
}
