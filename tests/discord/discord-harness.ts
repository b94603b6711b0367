import { decodeComponent } from '../../adapters/discord/custom-id.ts';
import { discordChannel } from '../../adapters/discord/identity.ts';
import { createDiscordAdapter } from '../../adapters/discord/index.ts';
import type { BotCore, CommandSpecInfo } from '../../src/bot/types.ts';
import { createLogger } from '../../src/logger.ts';
import type { AdapterHarness, RenderedMessage } from '../contract/harness.ts';
import { APP_ID, CHANNEL_ID, FakeDiscord, GUILD_ID, TOKEN } from './fake-discord.ts';
import {
  type CommandOptionValue,
  commandInteraction,
  componentInteraction,
  reactionPayload,
  userId,
} from './gateway-payloads.ts';

type Json = Record<string, unknown>;
type Component = {
  type: number;
  custom_id: string;
  label?: string;
  placeholder?: string;
  options?: { label: string; value: string }[];
};

const WAIT_MS = 30_000;
const OPTION_TYPES: Record<string, number> = { string: 3, integer: 4, number: 10 };

/** Splits what a user would type into the command's typed options: trailing numbers fill numeric options. */
export function toOptions(spec: CommandSpecInfo | undefined, text: string): CommandOptionValue[] {
  const typed = (spec?.options ?? []).filter((o) => o.type in OPTION_TYPES);
  if (!text.trim() || typed.length === 0) return [];
  const words = text.trim().split(/\s+/);
  const out: CommandOptionValue[] = [];
  const numeric = typed.filter((o) => o.type !== 'string');
  for (const o of [...numeric].reverse()) {
    const last = words.at(-1);
    if (words.length > 1 && last !== undefined && /^-?\d+(\.\d+)?$/.test(last)) {
      words.pop();
      out.unshift({ name: o.name, type: OPTION_TYPES[o.type]!, value: Number(last) });
    }
  }
  const first = typed.find((o) => o.type === 'string');
  if (first && words.length > 0) out.unshift({ name: first.name, type: 3, value: words.join(' ') });
  return out;
}

function flatten(message: Json): {
  text: string;
  titles: string[];
  actionIds: string[];
  components: Component[];
} {
  const embeds = (message.embeds ?? []) as Json[];
  const components = ((message.components ?? []) as { components: Component[] }[]).flatMap(
    (r) => r.components,
  );
  const parts: string[] = [String(message.content ?? '')];
  for (const e of embeds) {
    parts.push(String(e.title ?? ''), String(e.description ?? ''));
    if (e.author) parts.push(String((e.author as Json).name));
    for (const f of (e.fields ?? []) as Json[]) parts.push(`${f.name}: ${f.value}`);
    if (e.footer) parts.push(String((e.footer as Json).text));
  }
  for (const c of components)
    parts.push(c.label ?? c.placeholder ?? '', ...(c.options ?? []).map((o) => o.label));
  const actionIds = new Set<string>();
  for (const c of components) {
    const values = c.options?.map((o) => o.value) ?? [undefined];
    for (const v of values) {
      const decoded = decodeComponent(c.custom_id, v === undefined ? undefined : [v]);
      if (decoded) actionIds.add(decoded.actionId);
    }
  }
  return {
    text: parts.filter((p) => p !== '').join('\n'),
    // Titles as shown, without the " (year)" the embed title adds.
    titles: embeds.map((e) => String(e.title ?? '').replace(/ \(\d{4}\)$/, '')),
    actionIds: [...actionIds],
    components,
  };
}

/**
 * The contract harness for Discord: every call becomes a gateway dispatch on a fake Discord that a real
 * discord.js client (the adapter) is connected to; what comes back is read from the REST requests the
 * adapter made — message bodies, ephemeral flags, reactions it added.
 */
export interface DiscordHarness extends AdapterHarness {
  fake: FakeDiscord;
  /** Stops the adapter and starts a fresh discord.js client (empty caches), as after a process restart. */
  restart(): Promise<void>;
  /** Sends a raw INTERACTION_CREATE and waits until the adapter is done with it. */
  interact(payload: { id: string; token: string }): Promise<RenderedMessage[]>;
}

export async function createDiscordHarness(core: BotCore): Promise<DiscordHarness> {
  const fake = await FakeDiscord.start();
  const handled = new Set<string>();
  const makeAdapter = () =>
    createDiscordAdapter(
      { token: TOKEN, appId: APP_ID, apiUrl: fake.apiUrl },
      {
        logger: createLogger(process.env.LOG_LEVEL ?? 'silent'),
        clientOptions: { rest: { timeout: 10_000 } },
        onHandled: ({ id }) => {
          handled.add(id);
          fake.poke();
        },
      },
    );
  let adapter = makeAdapter();
  await adapter.start(core);
  const bodies = new Map<string, Json>();
  const deliveries = new Map<string, number>();

  const waitHandled = (match: (id: string) => boolean, what: string) =>
    fake.waitFor(() => ([...handled].some(match) ? true : undefined), WAIT_MS, what);

  /** A message as the channel (or, when ephemeral, only the asker) sees it now. */
  const view = (message: Json, ephemeral: boolean): RenderedMessage => {
    const id = String(message.id);
    const channelId = String(message.channel_id);
    bodies.set(id, message);
    const flat = flatten(message);
    const reactions = fake.requests
      .filter(
        (q) => q.method === 'PUT' && q.path.startsWith(`/channels/${channelId}/messages/${id}/reactions/`),
      )
      .map((q) => q.path.split('/')[6]!);
    return {
      key: `discord:${channelId}:${id}`,
      ephemeral,
      text: flat.text,
      titles: flat.titles,
      actionIds: flat.actionIds,
      reactions,
    };
  };

  /**
   * Sends a raw INTERACTION_CREATE, waits until the adapter is done, and returns what the asker now
   * sees of the answer, read from the fake's messages (which follow Discord's rules on visibility and
   * on the first follow-up after a deferral), not from what the adapter asked for.
   */
  const interact = async (payload: { id: string; token: string }): Promise<RenderedMessage[]> => {
    fake.dispatch('INTERACTION_CREATE', payload);
    await waitHandled((id) => id === payload.id, `interaction ${payload.id}`);
    return fake.visibleAnswer(payload.id).map((m) => view(m.json, m.ephemeral));
  };

  const messageId = (m: RenderedMessage) => {
    if (!m.key) throw new Error('message has no key');
    return m.key.split(':')[2]!;
  };

  return {
    platform: 'discord',
    fake,
    interact,
    async restart() {
      await adapter.stop();
      adapter = makeAdapter();
      await adapter.start(core);
    },
    userKey: (user) => `discord:${GUILD_ID}:${userId(user)}`,
    command(user, name, text) {
      const spec = core.commands.find((c) => c.name === name);
      return interact(commandInteraction(user, name, toOptions(spec, text)));
    },
    press(user, message, actionId, value) {
      const body = bodies.get(messageId(message));
      if (!body) throw new Error(`unknown message ${message.key}`);
      for (const c of flatten(body).components) {
        if (c.type === 2 && decodeComponent(c.custom_id)?.actionId === actionId) {
          return interact(componentInteraction(user, body, c.custom_id));
        }
        const option = c.options?.find((o) => {
          const d = decodeComponent(c.custom_id, [o.value]);
          return d?.actionId === actionId && (value === undefined || d.value === value);
        });
        if (option) return interact(componentInteraction(user, body, c.custom_id, [option.value]));
      }
      throw new Error(`no component for ${actionId} on ${message.key}`);
    },
    async react(user, message, emoji, added, options) {
      const id = messageId(message);
      const known = options?.deliveryId ? deliveries.get(options.deliveryId) : undefined;
      let seq: number;
      if (known !== undefined) {
        seq = known;
        for (const h of [...handled]) if (h.endsWith(`:${seq}`)) handled.delete(h);
        fake.redeliver(seq);
      } else {
        seq = fake.dispatch(
          added ? 'MESSAGE_REACTION_ADD' : 'MESSAGE_REACTION_REMOVE',
          reactionPayload(user, id, emoji, added),
        );
        if (options?.deliveryId) deliveries.set(options.deliveryId, seq);
      }
      await waitHandled((h) => h.endsWith(`:${seq}`), `reaction ${seq}`);
      return [];
    },
    async post(_user, reply) {
      const from = fake.requests.length;
      const ok = (await adapter.postToChannel?.(discordChannel(GUILD_ID, CHANNEL_ID), reply)) ?? false;
      const messages = fake.requests
        .slice(from)
        .filter(
          (r) => r.method === 'POST' && r.path === `/channels/${CHANNEL_ID}/messages` && r.status === 200,
        )
        .map((r) => view(r.response as Json, false));
      return { ok, messages };
    },
    async close() {
      await adapter.stop();
      await fake.close();
    },
  };
}
