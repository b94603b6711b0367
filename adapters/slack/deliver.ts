/**
 * Sends the core's replies to Slack: ephemeral ones through `respond` (or `chat.postEphemeral`), public
 * ones through `chat.postMessage` so the message has a timestamp the core can key reactions and
 * buttons on. Rate-by-reaction cards get the rating reactions added.
 */
import type { RespondFn, webApi } from '@slack/bolt';
import type { BotCore, ChannelRef, Reply } from '../../src/bot/types.ts';
import type { Logger } from '../../src/logger.ts';
import { SLACK_RATING_REACTIONS, slackMessageKey } from './identity.ts';
import { renderReply } from './render.ts';

/** Where the replies to one event go. */
export interface DeliveryTarget {
  core: BotCore;
  client: webApi.WebClient;
  logger: Logger;
  channel: ChannelRef;
  /** Slack conversation id (C…, D…, G…), or the user id to reach the app's DM. */
  channelId: string;
  /** The Slack user the private replies are for. */
  userId: string;
  /** The interaction's response_url, when there is one (slash commands, buttons in messages). */
  respond?: RespondFn;
  /** The event came from a private surface (ephemeral message, App Home): keep every reply private. */
  privateOnly?: boolean;
}

/** Slack errors meaning the bot cannot post in that conversation itself (it may still answer via response_url). */
const CANNOT_POST = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

/** Delivers replies in order; a failing reply is logged and does not stop the ones after it. */
export async function deliverReplies(target: DeliveryTarget, replies: Reply[]): Promise<void> {
  for (const reply of replies) {
    try {
      await deliverOne(target, reply);
    } catch (error) {
      target.logger.error({ err: error, channel: target.channel.key }, 'Slack delivery failed');
    }
  }
}

async function deliverOne(target: DeliveryTarget, reply: Reply): Promise<void> {
  const message = renderReply(reply);
  if (reply.ephemeral || target.privateOnly) {
    if (target.respond) {
      await target.respond({ response_type: 'ephemeral', replace_original: false, ...message });
    } else if (target.privateOnly && target.channelId === target.userId) {
      await postPublic(target, reply, message);
    } else {
      await target.client.chat.postEphemeral({ channel: target.channelId, user: target.userId, ...message });
    }
    return;
  }
  try {
    await postPublic(target, reply, message);
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (!target.respond || !code || !CANNOT_POST.has(code)) throw error;
    // Not a member here (a private channel or someone else's DM): answer in place through the
    // response_url instead. Without a message timestamp, reactions on it cannot rate.
    target.logger.info({ channel: target.channel.key, code }, 'posting through response_url instead');
    await target.respond({ response_type: 'in_channel', replace_original: false, ...message });
  }
}

/** What posting a public message needs: no user, no response_url. */
type ChannelTarget = Pick<DeliveryTarget, 'core' | 'client' | 'logger' | 'channel' | 'channelId'>;

/**
 * Posts a reply the bot starts itself (a poll's winner) with `chat.postMessage`, which waits out a 429
 * for Slack's Retry-After (the client's retry policy). A channel that is gone, archived or closed to
 * the bot is logged and gives false.
 */
export async function postToChannel(target: ChannelTarget, reply: Reply): Promise<boolean> {
  if (reply.ephemeral) return false;
  try {
    await postPublic(target, reply, renderReply(reply));
    return true;
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    target.logger.warn(
      { err: error, channel: target.channel.key, code },
      'could not post to the Slack channel',
    );
    return false;
  }
}

async function postPublic(target: ChannelTarget, reply: Reply, message: ReturnType<typeof renderReply>) {
  const posted = await target.client.chat.postMessage({
    channel: target.channelId,
    ...message,
    unfurl_links: false,
    unfurl_media: false,
  });
  const channelId = posted.channel ?? target.channelId;
  if (!posted.ts) return;
  await target.core.messagePosted(reply, slackMessageKey(channelId, posted.ts), target.channel);
  if (reply.rateByReaction) await addRatingReactions(target, channelId, posted.ts);
  if (reply.image) await uploadImage(target, channelId, posted.ts, reply.image);
}

async function addRatingReactions(target: ChannelTarget, channel: string, ts: string): Promise<void> {
  for (const name of SLACK_RATING_REACTIONS) {
    try {
      await target.client.reactions.add({ channel, timestamp: ts, name });
    } catch (error) {
      // Missing reactions only mean one fewer shortcut; people can still add them by hand.
      target.logger.warn({ err: error, name }, 'could not add rating reaction');
      return;
    }
  }
}

async function uploadImage(
  target: ChannelTarget,
  channel: string,
  ts: string,
  image: NonNullable<Reply['image']>,
): Promise<void> {
  try {
    await target.client.files.uploadV2({
      channel_id: channel,
      thread_ts: ts,
      file: Buffer.from(image.png),
      filename: image.name,
      alt_text: image.alt,
    });
  } catch (error) {
    target.logger.warn({ err: error }, 'could not upload chart image');
  }
}
