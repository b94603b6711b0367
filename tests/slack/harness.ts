import { SHORT_COMMANDS } from '../../adapters/slack/commands.ts';
import { slackChannel } from '../../adapters/slack/identity.ts';
import {
  createSlackAdapter,
  SLACK_EVENTS_PATH,
  type SlackAdapter,
  type SlackAdapterDeps,
} from '../../adapters/slack/index.ts';
import { CARD_BLOCK_PREFIX } from '../../adapters/slack/render.ts';
import type { BotCore } from '../../src/bot/types.ts';
import { createLogger } from '../../src/logger.ts';
import type { AdapterHarness, RenderedMessage } from '../contract/harness.ts';
import { FAKE_BOT, type FakeCall, FakeSlack, type ShownMessage } from './fake-slack.ts';
import { blockActionBody, eventBody, randomId, slashCommandBody } from './signed-request.ts';

export const TEST_SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const TEST_TEAM = FAKE_BOT.team;
export const TEST_CHANNEL = 'C0MOVIES';

/** Unicode rating emoji → the short names Slack sends in reaction events. */
const SLACK_NAMES: Record<string, string> = {
  '1️⃣': 'one',
  '2️⃣': 'two',
  '3️⃣': 'three',
  '4️⃣': 'four',
  '5️⃣': 'five',
  '👍': '+1',
  '👎': '-1',
  '⭐': 'star',
  '🌟': 'star2',
  '🔖': 'bookmark',
  '🚫': 'no_entry_sign',
};

/** Slack user id for a plain test user name. */
export function slackUserId(user: string): string {
  return `U${user.toUpperCase().replace(/[^A-Z0-9]/g, '')}`;
}

/** A real adapter on 127.0.0.1 with the fake Web API, and a driver that signs requests like Slack. */
export interface SlackTestRig {
  adapter: SlackAdapter;
  fake: FakeSlack;
  eventsUrl: string;
  close(): Promise<void>;
}

export async function startSlackRig(
  core: BotCore,
  extra: Partial<SlackAdapterDeps> = {},
): Promise<SlackTestRig> {
  const fake = await new FakeSlack().start();
  const adapter = createSlackAdapter(
    { botToken: 'xoxb-test', signingSecret: TEST_SIGNING_SECRET, appToken: undefined, apiUrl: fake.apiUrl },
    {
      logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
      port: 0,
      host: '127.0.0.1',
      retryConfig: { retries: 2, factor: 1, minTimeout: 50, maxTimeout: 100 },
      ...extra,
    },
  );
  await adapter.start(core);
  return {
    adapter,
    fake,
    eventsUrl: `http://127.0.0.1:${adapter.port}${SLACK_EVENTS_PATH}`,
    async close() {
      await adapter.stop();
      await fake.close();
    },
  };
}

/**
 * The slash command a person types for core command `name`: `/recommend` and `/rate` on their own, every
 * other command under `/movierec`.
 */
export function slashFor(name: string, text: string): { command: string; text: string } {
  if ((SHORT_COMMANDS as readonly string[]).includes(name)) return { command: name, text };
  return { command: 'movierec', text: text ? `${name} ${text}` : name };
}

/** A signed slash command body from `user` in `channel`, with a response_url the fake issued for them. */
export function commandFrom(
  fake: FakeSlack,
  p: { user: string; userName?: string; channel?: string; name: string; text: string; team?: string },
): string {
  const channel = p.channel ?? TEST_CHANNEL;
  fake.join(channel, p.user);
  const slash = slashFor(p.name, p.text);
  return slashCommandBody({
    team: p.team ?? TEST_TEAM,
    user: p.user,
    ...(p.userName ? { userName: p.userName } : {}),
    channel,
    command: slash.command,
    text: slash.text,
    responseUrl: fake.responseUrl(randomId('R'), { user: p.user, channel }),
  });
}

/** The message a person pressed a button on: the channel message, or their ephemeral one carrying it. */
function pressedMessage(
  fake: FakeSlack,
  user: string,
  channel: string,
  ts: string | undefined,
  actionId: string,
) {
  if (ts) {
    const message = fake.message(channel, ts);
    if (message) return message;
  }
  return fake
    .visibleTo(user)
    .filter(
      (m: ShownMessage) =>
        m.onlyFor === user && JSON.stringify(m.blocks).includes(`"action_id":"${actionId}"`),
    )
    .at(-1);
}

/** Reads the messages the adapter sent after call index `from`, as Slack would show them. */
export function renderedSince(fake: FakeSlack, from: number): RenderedMessage[] {
  const calls = fake.calls.slice(from).filter((c) => c.status === 200);
  const messages: RenderedMessage[] = [];
  for (const call of calls) {
    if (call.method === 'chat.postMessage') {
      const key = `slack:${String(call.result.channel)}:${String(call.result.ts)}`;
      const reactions = fake
        .callsOf('reactions.add')
        .filter((r) => r.body.channel === call.result.channel && r.body.timestamp === call.result.ts)
        .map((r) => String(r.body.name));
      messages.push(toRendered(call, key, false, reactions));
    } else if (call.method === 'chat.update') {
      messages.push(
        toRendered(call, `slack:${String(call.body.channel)}:${String(call.body.ts)}`, false, []),
      );
    } else if (call.method === 'chat.postEphemeral') {
      messages.push(toRendered(call, undefined, true, []));
    } else if (call.method === 'respond' && call.body.delete_original !== true) {
      messages.push(toRendered(call, undefined, call.body.response_type !== 'in_channel', []));
    }
  }
  return messages;
}

type Json = Record<string, unknown>;

function toRendered(call: FakeCall, key: string | undefined, ephemeral: boolean, reactions: string[]) {
  const blocks = (call.body.blocks as Json[] | undefined) ?? [];
  const texts: string[] = [];
  const titles: string[] = [];
  const actionIds: string[] = [];
  for (const block of blocks) {
    collectText(block, texts);
    if (block.type === 'actions') {
      for (const e of block.elements as Json[]) actionIds.push(String(e.action_id));
    }
    if (typeof block.block_id === 'string' && block.block_id.startsWith(CARD_BLOCK_PREFIX)) {
      const title = cardTitle(String((block.text as Json).text));
      if (title) titles.push(title);
    }
  }
  const message: RenderedMessage & { ts?: string; channel?: string; responseId?: string } = {
    key,
    ephemeral,
    text: texts.length ? texts.join('\n') : visible(String(call.body.text ?? '')),
    titles,
    actionIds,
    reactions,
  };
  message.ts = String(call.result.ts ?? call.result.message_ts ?? '1700000000.999999');
  message.channel = String(call.body.channel ?? call.result.channel ?? TEST_CHANNEL);
  return message;
}

function collectText(node: unknown, out: string[]): void {
  if (Array.isArray(node)) {
    for (const n of node) collectText(n, out);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const obj = node as Json;
  if ((obj.type === 'mrkdwn' || obj.type === 'plain_text') && typeof obj.text === 'string') {
    out.push(visible(obj.text));
    return;
  }
  for (const [k, v] of Object.entries(obj)) if (k !== 'action_id' && k !== 'value') collectText(v, out);
}

/** What a person sees of mrkdwn: link labels, unescaped entities, no zero-width spaces. */
export function visible(mrkdwn: string): string {
  return mrkdwn
    .replace(/<https?:\/\/[^|>]+\|([^>]*)>/g, '$1')
    .replace(/\u200B/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The title line of a card section: `1. *<url|Title (1999)>*` → `Title`. */
function cardTitle(text: string): string | undefined {
  for (const line of text.split('\n')) {
    const m = /^(?:\d+\. )?\*(.+)\*$/.exec(line);
    if (m) return visible(m[1]!).replace(/ \(\d{4}\)$/, '');
  }
  return undefined;
}

/** The shared contract harness over the real bolt receiver, signed requests and the fake Web API. */
export async function createSlackHarness(core: BotCore): Promise<AdapterHarness> {
  const rig = await startSlackRig(core);
  const { fake, adapter, eventsUrl } = rig;
  const sign = { secret: TEST_SIGNING_SECRET };
  const deliveries = new Set<string>();

  async function send(
    body: string,
    type: 'application/x-www-form-urlencoded' | 'application/json',
    retry?: number,
  ) {
    const from = fake.calls.length;
    const res = await fake.deliver(eventsUrl, body, type, { ...sign, retryNum: retry });
    if (res.status !== 200) throw new Error(`receiver answered ${res.status}`);
    await adapter.idle();
    if (fake.unexpected.length) throw new Error(`unexpected Slack calls: ${fake.unexpected.join(', ')}`);
    const refused = fake.calls.slice(from).filter((c) => c.status !== 200 || c.result.ok === false);
    if (refused.length) {
      throw new Error(
        `Slack refused: ${refused.map((c) => `${c.method} ${JSON.stringify(c.result)}`).join(', ')}`,
      );
    }
    return renderedSince(fake, from);
  }

  return {
    platform: 'slack',
    userKey: (user) => `slack:${TEST_TEAM}:${slackUserId(user)}`,
    command: (user, name, text) =>
      send(
        commandFrom(fake, { user: slackUserId(user), userName: user, name, text }),
        'application/x-www-form-urlencoded',
      ),
    press: (user, message, actionId, value) => {
      const m = message as RenderedMessage & { ts?: string; channel?: string };
      const channel = m.channel ?? TEST_CHANNEL;
      const source = pressedMessage(
        fake,
        slackUserId(user),
        channel,
        message.ephemeral ? undefined : m.ts,
        actionId,
      );
      return send(
        blockActionBody({
          team: TEST_TEAM,
          user: slackUserId(user),
          channel: m.channel ?? TEST_CHANNEL,
          messageTs: m.ts ?? '1700000000.999999',
          ephemeral: message.ephemeral,
          actionId,
          value,
          responseUrl: fake.responseUrl(randomId('R'), {
            user: slackUserId(user),
            channel,
            ...(source ? { source } : {}),
          }),
        }),
        'application/x-www-form-urlencoded',
      );
    },
    react: (user, message, emoji, added, options) => {
      if (!message.key) throw new Error('only posted messages can get reactions');
      const [, channel, ts] = message.key.split(':');
      fake.join(channel!, slackUserId(user));
      const eventId = options?.deliveryId ?? randomId('Ev');
      const retry = deliveries.has(eventId) ? 1 : undefined;
      deliveries.add(eventId);
      return send(
        eventBody({
          team: TEST_TEAM,
          eventId,
          event: {
            type: added ? 'reaction_added' : 'reaction_removed',
            user: slackUserId(user),
            reaction: SLACK_NAMES[emoji] ?? emoji,
            item: { type: 'message', channel, ts },
            item_user: FAKE_BOT.userId,
            event_ts: `${Math.floor(Date.now() / 1000)}.000100`,
          },
        }),
        'application/json',
        retry,
      );
    },
    async post(_user, reply) {
      const from = fake.calls.length;
      const ok = (await adapter.postToChannel?.(slackChannel(TEST_TEAM, TEST_CHANNEL), reply)) ?? false;
      return { ok, messages: renderedSince(fake, from) };
    },
    close: () => rig.close(),
  };
}

/** What a person reads of a shown message: its blocks' mrkdwn and plain texts (else its text), unescaped. */
export function shownText(message: ShownMessage): string {
  const out: string[] = [];
  collectText(message.blocks, out);
  return out.length ? out.join('\n') : visible(message.text);
}
