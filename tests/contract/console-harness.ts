import { PassThrough } from 'node:stream';
import {
  type ConsoleAdapter,
  type ConsoleMessage,
  createConsoleAdapter,
} from '../../adapters/console/index.ts';
import { RATING_REACTIONS } from '../../src/bot/emoji.ts';
import type { BotCore } from '../../src/bot/types.ts';
import type { AdapterHarness, RenderedMessage } from './harness.ts';

/** What the console showed, in the harness' platform-neutral shape. */
export function renderedFromConsole(m: ConsoleMessage): RenderedMessage {
  const single = m.cards.length === 1;
  return {
    key: single ? m.cards[0]!.key : m.key,
    ephemeral: m.reply.ephemeral === true,
    text: m.text,
    // Only titles that really appear in the printed text count as rendered.
    titles: m.cards.map((c) => c.card.title).filter((t) => m.text.includes(t)),
    actionIds: [
      ...m.cards.flatMap((c) => c.card.actions.map((a) => a.id)),
      ...(m.reply.actions ?? []).map((a) => a.id),
    ],
    reactions: m.reply.rateByReaction && single ? [...RATING_REACTIONS] : [],
  };
}

/** Drives console adapters (one per user, as each terminal has one user) over in-memory streams. */
export async function createConsoleHarness(
  core: BotCore,
): Promise<AdapterHarness & { output(user: string): string }> {
  const adapters = new Map<string, { adapter: ConsoleAdapter; out: PassThrough; text: string[] }>();
  const get = async (user: string) => {
    let entry = adapters.get(user);
    if (!entry) {
      const out = new PassThrough();
      const text: string[] = [];
      out.on('data', (chunk: Buffer) => text.push(chunk.toString('utf8')));
      const adapter = createConsoleAdapter({ user, output: out, color: false });
      await adapter.start(core);
      entry = { adapter, out, text };
      adapters.set(user, entry);
    }
    return entry;
  };
  return {
    platform: 'console',
    userKey: (user) => `console:${user}`,
    async command(user, name, text) {
      const { adapter } = await get(user);
      return (await adapter.send(`/${name} ${text}`)).map(renderedFromConsole);
    },
    async press(user, message, actionId, value) {
      const { adapter } = await get(user);
      return (await adapter.press(actionId, value, message.key)).map(renderedFromConsole);
    },
    async react(user, message, emoji, added, options) {
      const { adapter } = await get(user);
      if (!message.key) throw new Error('message has no key to react to');
      return (await adapter.react(message.key, emoji, added, options?.deliveryId)).map(renderedFromConsole);
    },
    async post(user, reply) {
      const { adapter } = await get(user);
      const channel = { key: `console:local:${user}`, platform: 'console' as const, tenant: 'local' };
      const shown = await adapter.show(reply, channel);
      return { ok: shown.length > 0, messages: shown.map(renderedFromConsole) };
    },
    output: (user) => adapters.get(user)?.text.join('') ?? '',
    async close() {
      for (const { adapter } of adapters.values()) await adapter.stop();
      adapters.clear();
    },
  };
}
