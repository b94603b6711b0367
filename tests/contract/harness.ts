import type { BotCore, Platform, Reply } from '../../src/bot/types.ts';

/**
 * A message as a platform would show it, read back from what the adapter actually sent (Discord REST
 * payloads, Slack Web API calls, console output) — not from the core's Reply.
 */
export interface RenderedMessage {
  /** The `<platform>:<channel>:<message>` key the adapter registered with the core, if any. */
  key: string | undefined;
  ephemeral: boolean;
  /** All human-visible text, flattened (titles, reasons, labels, field values). */
  text: string;
  /** Movie titles shown, in order, as rendered. */
  titles: string[];
  /** Ids of the buttons / selects on the message, exactly as the platform would send them back. */
  actionIds: string[];
  /** Reactions the bot itself added (rating emoji on single-movie cards). */
  reactions: string[];
}

/**
 * Drives one adapter the way its platform would. Every adapter (console, Discord, Slack) provides one, and
 * the shared contract suite in `adapter-contract.ts` runs against each.
 */
export interface AdapterHarness {
  readonly platform: Platform;
  /** The namespaced user key the platform gives the plain user name `user`. */
  userKey(user: string): string;
  /** A slash command as `user`; resolves with every message the adapter rendered in response. */
  command(user: string, name: string, text: string): Promise<RenderedMessage[]>;
  /** A button press, or a select choice when `value` is given, on a rendered message. */
  press(user: string, message: RenderedMessage, actionId: string, value?: string): Promise<RenderedMessage[]>;
  /**
   * An emoji reaction added or removed on a rendered message. `deliveryId` repeats a delivery id to
   * simulate a platform retry.
   */
  react(
    user: string,
    message: RenderedMessage,
    emoji: string,
    added: boolean,
    options?: { deliveryId?: string },
  ): Promise<RenderedMessage[]>;
  /**
   * A message the bot starts itself (a poll's winner), posted through the adapter's `postToChannel` into
   * the channel where `user` runs commands; resolves with what the platform then shows.
   */
  post(user: string, reply: Reply): Promise<{ ok: boolean; messages: RenderedMessage[] }>;
  close(): Promise<void>;
}

/** Builds a harness around a core the contract suite has set up (test database + small catalog). */
export type AdapterHarnessFactory = (core: BotCore) => Promise<AdapterHarness>;
