/**
 * Sends the core's replies to Slack, following Slack's documented message semantics:
 * - private replies go through the interaction's `response_url` (`response_type: ephemeral`), or
 *   `chat.postEphemeral` to the user when there is none (reactions) or it is used up (5 uses);
 * - public replies go through `chat.postMessage`, so the message has a ts the core can key reactions
 *   and buttons on, and name who asked;
 * - `replaceSource` replaces the pressed message (`replace_original` on the response_url), and
 *   `editMessage` edits an earlier bot message with `chat.update` (a poll's tally, its closed state);
 * - a chart image goes to the asker's DM (files.getUploadURLExternal + files.completeUploadExternal).
 */
import type { RespondArguments, RespondFn, webApi } from '@slack/bolt';
import type { BotCore, ChannelRef, Reply } from '../../src/bot/types.ts';
import type { Logger } from '../../src/logger.ts';
import { uploadToDirectMessage } from './files.ts';
import { parseSlackMessageKey, SLACK_RATING_REACTIONS, slackMessageKey } from './identity.ts';
import { type RenderOptions, renderReply, type SlackMessage } from './render.ts';

/**
 * "You can use a response_url to respond up to 5 times within 30 minutes" (api.slack.com
 * "Handling user interaction" → "Message responses", and "Implementing slash commands").
 */
export const RESPONSE_URL_MAX_USES = 5;

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
  /** How often {@link respond} was used for this interaction (shared by all its replies). */
  responseUses?: { count: number };
  /** The event came from a private surface (ephemeral message, App Home): keep every reply private. */
  privateOnly?: boolean;
  /** The message whose button was pressed (for `replaceSource`). */
  source?: { ts: string; ephemeral: boolean };
  /** The slash command being answered: a public answer names who asked. */
  askedBy?: { command: string; text: string };
}

/** Slack errors meaning the bot cannot post in that conversation itself (it may still answer via response_url). */
const CANNOT_POST = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action']);

/** Delivers replies in order; a failing reply is logged and does not stop the ones after it. */
export async function deliverReplies(target: DeliveryTarget, replies: Reply[]): Promise<void> {
  target.responseUses ??= { count: 0 };
  for (const reply of replies) {
    try {
      await deliverOne(target, reply);
    } catch (error) {
      target.logger.error({ err: error, channel: target.channel.key }, 'Slack delivery failed');
    }
    if (reply.image) await sendImage(target, reply.image);
  }
}

async function deliverOne(target: DeliveryTarget, reply: Reply): Promise<void> {
  if (reply.editMessage && (await editEarlier(target, reply, reply.editMessage))) return;
  if (reply.replaceSource && target.source && (await replaceSource(target, reply, target.source))) return;
  if (reply.ephemeral || target.privateOnly) {
    await sendPrivate(target, reply);
    return;
  }
  await sendPublic(target, reply);
}

/** Posts to the response_url while it has uses left; false when it is spent or absent. */
async function respondOnce(target: DeliveryTarget, message: RespondArguments): Promise<boolean> {
  target.responseUses ??= { count: 0 };
  const uses = target.responseUses;
  if (!target.respond || uses.count >= RESPONSE_URL_MAX_USES) return false;
  uses.count++;
  await target.respond(message);
  return true;
}

async function sendPrivate(target: DeliveryTarget, reply: Reply): Promise<void> {
  const message = renderReply(reply);
  if (await respondOnce(target, { response_type: 'ephemeral', replace_original: false, ...message })) return;
  if (target.privateOnly && target.channelId === target.userId) {
    // The App Home has no conversation: the app's DM with the user is private anyway.
    await postPublic(target, reply, message);
    return;
  }
  await target.client.chat.postEphemeral({ channel: target.channelId, user: target.userId, ...message });
}

async function sendPublic(target: DeliveryTarget, reply: Reply): Promise<void> {
  const message = renderReply(reply, publicOptions(target));
  try {
    await postPublic(target, reply, message);
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (!target.respond || !code || !CANNOT_POST.has(code)) throw error;
    // Not a member here (a private channel or someone else's DM): answer in place through the
    // response_url instead. Without a message timestamp, reactions on it cannot rate.
    target.logger.info({ channel: target.channel.key, code }, 'posting through response_url instead');
    const sent = await respondOnce(target, {
      response_type: 'in_channel',
      replace_original: false,
      ...message,
    });
    if (!sent) throw error;
  }
}

function publicOptions(target: Pick<DeliveryTarget, 'userId' | 'askedBy'>): RenderOptions {
  return {
    public: true,
    ...(target.askedBy ? { askedBy: { userId: target.userId, ...target.askedBy } } : {}),
  };
}

/**
 * Replaces the message whose button was pressed. A public message is never replaced by a private reply
 * (everyone would see it): that reply is sent privately instead. A private (ephemeral) source answered
 * publicly is deleted and the answer posted, since an ephemeral message cannot become public.
 */
async function replaceSource(
  target: DeliveryTarget,
  reply: Reply,
  source: NonNullable<DeliveryTarget['source']>,
): Promise<boolean> {
  const isPublic = !reply.ephemeral && !target.privateOnly;
  if (!isPublic && !source.ephemeral) return false;
  if (isPublic && source.ephemeral) {
    await respondOnce(target, { delete_original: true });
    return false;
  }
  const message = renderReply(reply, isPublic ? { public: true } : {});
  if (await respondOnce(target, { replace_original: true, ...message })) {
    if (isPublic) await afterPublicUpdate(target, reply, target.channelId, source.ts);
    return true;
  }
  if (!isPublic) return false;
  // No response_url left: a public bot message can still be edited with chat.update.
  await target.client.chat.update({ channel: target.channelId, ts: source.ts, ...message });
  await afterPublicUpdate(target, reply, target.channelId, source.ts);
  return true;
}

/**
 * Edits an earlier bot message (`chat.update` needs its channel and ts, from the key). False when the
 * key is not a Slack message or Slack refuses (message gone): the reply is then posted as usual.
 */
async function editEarlier(target: DeliveryTarget, reply: Reply, key: string): Promise<boolean> {
  const ref = parseSlackMessageKey(key);
  if (!ref) return false;
  const message = renderReply(reply, { public: true });
  try {
    await target.client.chat.update({ channel: ref.channel, ts: ref.ts, ...message });
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    target.logger.warn({ err: error, code }, 'could not update the Slack message; posting the reply instead');
    return false;
  }
  await afterPublicUpdate(target, reply, ref.channel, ref.ts);
  return true;
}

/** The core learns that the message now shows this reply (a replaced card rates another movie). */
async function afterPublicUpdate(target: ChannelTarget, reply: Reply, channel: string, ts: string) {
  await target.core.messagePosted(reply, slackMessageKey(channel, ts), target.channel);
}

/** What posting a public message needs: no user, no response_url. */
type ChannelTarget = Pick<DeliveryTarget, 'core' | 'client' | 'logger' | 'channel' | 'channelId'>;

/**
 * Posts a reply the bot starts itself (a poll's winner) with `chat.postMessage`, which waits out a 429
 * for Slack's Retry-After (the client's retry policy). A reply that edits an earlier message (a poll
 * closed by time) uses `chat.update`. A channel that is gone, archived or closed to the bot is logged
 * and gives false.
 */
export async function postToChannel(target: ChannelTarget, reply: Reply): Promise<boolean> {
  if (reply.ephemeral) return false;
  try {
    const ref = reply.editMessage ? parseSlackMessageKey(reply.editMessage) : undefined;
    const message = renderReply(reply, { public: true });
    if (ref) {
      await target.client.chat.update({ channel: ref.channel, ts: ref.ts, ...message });
      await afterPublicUpdate(target, reply, ref.channel, ref.ts);
    } else await postPublic(target, reply, message);
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

async function postPublic(target: ChannelTarget, reply: Reply, message: SlackMessage) {
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

/** A chart goes to the asker's DM with the app: it is theirs (admin stats), not the channel's. */
async function sendImage(target: DeliveryTarget, image: NonNullable<Reply['image']>): Promise<void> {
  try {
    await uploadToDirectMessage(target.client, target.userId, image);
  } catch (error) {
    target.logger.warn({ err: error }, 'could not upload chart image');
  }
}
