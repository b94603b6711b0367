import fs from 'node:fs';
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { actionId } from '../../src/bot/action-ids.ts';
import { parseChatMessage } from '../../src/bot/chat-message.ts';
import { RATING_REACTIONS } from '../../src/bot/emoji.ts';
import type {
  BotCore,
  BotEvent,
  ChannelRef,
  MovieCard,
  PlatformAdapter,
  Reply,
} from '../../src/bot/types.ts';
import { isUserError } from '../../src/errors.ts';
import { parseConsoleLine } from './input.ts';
import { cardNumber, painter, renderReply } from './render.ts';

export interface ConsoleAdapterOptions {
  /** The console user's name; the user key is `console:<name>`. */
  user?: string;
  input?: Readable;
  output?: Writable;
  /** Colours; default: when the output is a TTY and NO_COLOR is unset. */
  color?: boolean;
  /** File keeping the input history between sessions. */
  historyFile?: string;
}

/** A message as the console showed it (for tests and the contract harness). */
export interface ConsoleMessage {
  key: string;
  reply: Reply;
  /** Exactly what was written, without colours. */
  text: string;
  cards: { n: number; key: string; card: MovieCard }[];
}

export interface ConsoleAdapter extends PlatformAdapter {
  /** Handles one typed line as if entered at the prompt; resolves with what was shown. */
  send(line: string): Promise<ConsoleMessage[]>;
  /** Presses a button / select by id, as a click would (tests, contract harness). */
  press(actionId: string, value?: string, messageKey?: string): Promise<ConsoleMessage[]>;
  /** Adds or removes a reaction on a shown message; `deliveryId` repeats a delivery (retry simulation). */
  react(messageKey: string, emoji: string, added: boolean, deliveryId?: string): Promise<ConsoleMessage[]>;
  /** Resolves when the user quits or input ends. */
  readonly closed: Promise<void>;
  postToChannel(channel: ChannelRef, reply: Reply): Promise<boolean>;
  /** Shows a reply the bot starts itself, as `postToChannel` does; resolves with what was shown (tests). */
  show(reply: Reply, channel: ChannelRef): Promise<ConsoleMessage[]>;
}

const HISTORY_SIZE = 500;
const PROMPT = '› ';

/** The terminal chat: readline with history, numbered results, reactions typed as `:5 2`. */
export function createConsoleAdapter(options: ConsoleAdapterOptions = {}): ConsoleAdapter {
  const name = (options.user ?? 'me').replace(/[^\p{L}\p{N}_.-]/gu, '').slice(0, 40) || 'me';
  const output = options.output ?? process.stdout;
  const color = options.color ?? (Boolean((output as { isTTY?: boolean }).isTTY) && !process.env.NO_COLOR);
  const paint = painter(color);
  const plain = painter(false);
  const actor = {
    userKey: `console:${name}`,
    platform: 'console' as const,
    tenant: 'local',
    displayName: name,
  };
  const channel: ChannelRef = { key: `console:local:${name}`, platform: 'console', tenant: 'local' };
  // Keys stay unique across restarts, because cards persist in the database.
  const session = Date.now().toString(36);
  let counter = 0;
  let shown: ConsoleMessage['cards'] = [];
  let lastActions: Reply['actions'] = [];
  let core: BotCore | undefined;
  let rl: readline.Interface | undefined;
  let resolveClosed = () => {};
  const closed = new Promise<void>((r) => {
    resolveClosed = r;
  });

  const nextId = () => `${session}-${++counter}`;
  const write = (s: string) => output.write(`${s}\n`);

  async function deliver(event: BotEvent): Promise<ConsoleMessage[]> {
    if (!core) throw new Error('console adapter not started');
    return show(core, await core.handle(event), channel);
  }

  /** Prints replies, numbering their cards, and registers them with the core so `:5 2` and buttons work. */
  async function show(bot: BotCore, replies: Reply[], where: ChannelRef): Promise<ConsoleMessage[]> {
    const out: ConsoleMessage[] = [];
    let n = 1;
    const anyCards = replies.some((r) => r.cards?.length);
    const cards: ConsoleMessage['cards'] = [];
    for (const reply of replies) {
      const key = `console:local:${name}:${nextId()}`;
      const msgCards = (reply.cards ?? []).map((card, i) => ({
        n: cardNumber(card, n + i),
        key: reply.cards!.length === 1 ? key : `${key}.${i + 1}`,
        card,
      }));
      if (msgCards.length > 0) {
        await bot.messagePosted(reply, key, where);
        // Each card of a list is its own reaction target, so `:5 2` rates exactly that movie.
        if (msgCards.length > 1) {
          for (const c of msgCards)
            await bot.messagePosted({ text: '', cards: [c.card], rateByReaction: true }, c.key, where);
        }
      }
      write(renderReply(reply, n, paint));
      out.push({ key, reply, text: renderReply(reply, n, plain), cards: msgCards });
      cards.push(...msgCards);
      n += msgCards.length;
      if (reply.actions?.length) lastActions = reply.actions;
    }
    if (anyCards) shown = cards;
    return out;
  }

  const event = <T extends BotEvent['type']>(type: T) => ({ id: nextId(), actor, channel, type });

  async function send(line: string): Promise<ConsoleMessage[]> {
    const input = parseConsoleLine(line);
    try {
      switch (input.kind) {
        case 'empty':
          return [];
        case 'quit':
          rl?.close();
          return [];
        case 'message': {
          const { command, text } = parseChatMessage(input.text);
          return deliver({ ...event('command'), command, text });
        }
        case 'press': {
          const action = lastActions?.[input.n - 1];
          if (!action) return notice(`There is no button ${input.n}.`);
          return deliver({ ...event('action'), actionId: action.id, value: action.options?.[0]?.value });
        }
        case 'react':
        case 'card-action': {
          const target = shown.find((c) => c.n === input.n);
          if (!target) return notice(`There is no result ${input.n} on screen.`);
          if (input.kind === 'react') {
            return deliver({
              ...event('reaction'),
              messageKey: target.key,
              emoji: input.emoji,
              added: input.added,
            });
          }
          // List pages carry one "pick a movie" select instead of per-card buttons: the console
          // shortcut presses the movie's own button directly.
          return deliver({
            ...event('action'),
            actionId: actionId(input.verb, target.card.movieId),
            value: input.value,
            messageKey: target.key,
          });
        }
      }
    } catch (error) {
      if (isUserError(error)) return notice(error.message);
      throw error;
    }
  }

  function notice(text: string): ConsoleMessage[] {
    const reply: Reply = { text, ephemeral: true };
    write(renderReply(reply, 1, paint));
    return [
      { key: `console:local:${name}:${nextId()}`, reply, text: renderReply(reply, 1, plain), cards: [] },
    ];
  }

  return {
    platform: 'console',
    closed,
    send,
    press: (id, value, messageKey) => deliver({ ...event('action'), actionId: id, value, messageKey }),
    react: (messageKey, emoji, added, deliveryId) =>
      deliver({ ...event('reaction'), ...(deliveryId ? { id: deliveryId } : {}), messageKey, emoji, added }),
    async start(c) {
      core = c;
      const input = options.input;
      if (!input) return;
      const history = readHistory(options.historyFile);
      rl = readline.createInterface({
        input,
        output,
        prompt: paint('cyan', PROMPT),
        history,
        historySize: HISTORY_SIZE,
        terminal: (output as { isTTY?: boolean }).isTTY === true,
      });
      rl.on('history', (h: string[]) => writeHistory(options.historyFile, h));
      write(
        `${paint('bold', 'movierec')} — chatting as ${paint('cyan', name)}. Type ${paint('cyan', '/help')}, ${paint('cyan', '/recommend')}, or just say what you feel like. ${paint('dim', '(quit to leave)')}`,
      );
      rl.prompt();
      // Lines are handled one at a time, in order, even when they arrive together (piped input).
      let queue = Promise.resolve();
      rl.on('line', (line) => {
        queue = queue.then(async () => {
          await send(line).catch((error) => write(paint('red', `error: ${(error as Error).message}`)));
          rl?.prompt();
        });
      });
      rl.on('close', () => {
        void queue.then(() => resolveClosed());
      });
    },
    async show(reply, target) {
      // One terminal shows every console channel (a poll started by another console user included).
      if (!core || reply.ephemeral || target.platform !== 'console') return [];
      const shown = await show(core, [reply], target);
      rl?.prompt(true);
      return shown;
    },
    async postToChannel(target, reply) {
      try {
        return (await this.show(reply, target)).length > 0;
      } catch (error) {
        write(paint('red', `error: ${(error as Error).message}`));
        return false;
      }
    },
    async stop() {
      rl?.close();
      rl = undefined;
      resolveClosed();
    },
  };
}

function readHistory(file: string | undefined): string[] {
  if (!file) return [];
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}

function writeHistory(file: string | undefined, history: string[]): void {
  if (!file) return;
  try {
    fs.writeFileSync(file, history.slice(0, HISTORY_SIZE).join('\n'));
  } catch {
    // History is a convenience; a read-only home must not break the chat.
  }
}

/** The reactions the console offers on a single-movie card (shown as `:5 n` shortcuts). */
export const CONSOLE_REACTIONS = RATING_REACTIONS;
