import { blockKitViolations, DOC_MESSAGE_BLOCKS } from './block-limits.ts';

/** A message as Slack would show it: in a channel for everyone, or ephemeral for one user. */
export interface ShownMessage {
  channel: string;
  /** Set for channel messages (the ts the app can update); ephemeral messages have none the app can use. */
  ts?: string;
  /** The only user who sees it, for ephemeral messages. */
  onlyFor?: string;
  /** Who posted it: the bot, or a user (`chat.update` may only edit the bot's own). */
  author: string;
  text: string;
  blocks: unknown[];
  deleted?: boolean;
}

/** What a response_url was issued for. */
export interface ResponseContext {
  /** The user who ran the command or pressed the button (ephemeral responses are for them). */
  user: string;
  channel: string;
  /** The message whose button was pressed (block actions); slash commands have none. */
  source?: ShownMessage;
}

interface IssuedResponseUrl extends ResponseContext {
  issuedAt: number;
  uses: number;
  /** The last message posted through it (what a later `replace_original` of a slash command replaces). */
  last?: ShownMessage;
}

/**
 * "Respond up to 5 times within 30 minutes" (api.slack.com "Handling user interaction" → "Message
 * responses"; the same limit in "Implementing slash commands" → "Delayed responses").
 */
export const RESPONSE_URL_USES = 5;
export const RESPONSE_URL_LIFETIME_MS = 30 * 60 * 1000;
/** The response_urls the fake Slack issued, and what posting to them does (Slack's documented rules). */
export class ResponseUrls {
  private readonly issued = new Map<string, IssuedResponseUrl>();

  constructor(
    private readonly now: () => number,
    private readonly shown: ShownMessage[],
    /** The bot user: messages posted through a response_url are the app's. */
    private readonly botUser: string,
  ) {}

  issue(id: string, context: ResponseContext): void {
    this.issued.set(id, { ...context, issuedAt: this.now(), uses: 0 });
  }

  /** A post to a response_url; the refusal Slack would give, or undefined when it is shown. */
  post(id: string, body: Record<string, unknown>): { status: number; error: string } | undefined {
    const issued = this.issued.get(id);
    // Only URLs Slack issued with an interaction exist.
    if (!issued) return { status: 404, error: 'invalid_url' };
    // "up to 5 times within 30 minutes" (Handling user interaction → Message responses).
    if (this.now() - issued.issuedAt > RESPONSE_URL_LIFETIME_MS) return { status: 404, error: 'expired_url' };
    if (issued.uses >= RESPONSE_URL_USES) return { status: 404, error: 'used_url' };
    // response_type is "ephemeral" or "in_channel" (Implementing slash commands → Message visibility).
    const type = body.response_type;
    if (type !== undefined && type !== 'ephemeral' && type !== 'in_channel') {
      return { status: 400, error: 'invalid_response_type' };
    }
    const blocks = (body.blocks as unknown[] | undefined) ?? [];
    if (blockKitViolations(blocks, DOC_MESSAGE_BLOCKS, false).length)
      return { status: 400, error: 'invalid_blocks' };
    const original = issued.source ?? issued.last;
    // delete_original: true deletes the message the interaction came from (Handling user interaction).
    if (body.delete_original === true) {
      if (!original) return { status: 404, error: 'message_not_found' };
      issued.uses++;
      original.deleted = true;
      return undefined;
    }
    if (!body.text && blocks.length === 0) return { status: 400, error: 'no_text' };
    issued.uses++;
    // replace_original: true replaces the source message in place, ephemeral or not, keeping who sees it.
    if (body.replace_original === true) {
      if (!original) return { status: 404, error: 'message_not_found' };
      original.text = String(body.text ?? '');
      original.blocks = blocks;
      return undefined;
    }
    // "By default, the response messages sent to commands will only be visible to the user that issued
    // the command" (Implementing slash commands); in_channel shows it to everyone.
    const message: ShownMessage = {
      channel: issued.channel,
      author: this.botUser,
      text: String(body.text ?? ''),
      blocks,
      ...(type === 'in_channel' ? {} : { onlyFor: issued.user }),
    };
    this.shown.push(message);
    issued.last = message;
    return undefined;
  }
}
