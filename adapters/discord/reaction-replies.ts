import type { Client } from 'discord.js';
import type { ReactionEvent, Reply } from '../../src/bot/types.ts';
import { type DeliveryContext, editChannelMessage, postToChannel, sendDirectMessage } from './deliver.ts';

/**
 * Whether a private reply to a reaction must reach the user. A reaction has no interaction, so there is
 * no ephemeral message to answer with: a refusal (rate limit, an error: `data.outcome` user_error or
 * error) means the reaction the user sees did not take effect, so they are told by direct message. A
 * plain confirmation ("Rated Heat ★★★★") says what the reaction already shows; a DM per tap would
 * flood their inbox, so it is only logged.
 */
export function mustReachUser(reply: Reply): boolean {
  const outcome = reply.data?.outcome;
  return outcome === 'user_error' || outcome === 'error';
}

/**
 * Delivers what the core answered to a reaction: edits of earlier messages (a poll tally) over REST,
 * refusals privately by DM, and public replies in the reaction's channel.
 */
export async function deliverReactionReplies(
  ctx: DeliveryContext,
  client: Client,
  event: ReactionEvent,
  userId: string,
  replies: readonly Reply[],
): Promise<void> {
  for (const reply of replies) {
    if (reply.editMessage) await editChannelMessage(ctx, client, reply, event.channel);
    else if (!reply.ephemeral) await postToChannel(ctx, client, event.channel, reply);
    else if (mustReachUser(reply)) await sendDirectMessage(ctx, client, userId, reply);
    else ctx.logger.debug('reaction confirmed by the reaction itself');
  }
}
