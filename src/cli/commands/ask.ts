import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { painter, renderReply } from '../../../adapters/console/render.ts';
import { createApp } from '../../app.ts';
import { parseChatMessage } from '../../bot/chat-message.ts';
import { cardData } from '../../bot/render.ts';
import type { Reply } from '../../bot/types.ts';
import { loadConfig } from '../../config.ts';
import { UserError } from '../../errors.ts';
import { createLogger } from '../../logger.ts';

/** `ask` shows ten recommendations at once; chat pages by five. */
export const ASK_PAGE_SIZE = 10;
const QUIET_LOG_LEVEL = 'warn';

/** Exit code for a user error (unknown title, bad stars …), matching the CLI's other user errors. */
const USER_ERROR_EXIT = 2;

export async function run(cmd: Command, message: unknown): Promise<void> {
  const opts = cmd.opts<{ user: string; json?: boolean }>();
  const user = opts.user.trim();
  if (!/^[\p{L}\p{N}_.-]{1,40}$/u.test(user)) {
    throw new UserError('bad-user', '--user must be 1–40 letters, digits, dots, dashes or underscores.');
  }
  const { command, text } = parseChatMessage(String(message ?? ''));
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ? config.logLevel : QUIET_LOG_LEVEL);
  const app = await createApp(config, logger);
  let replies: Reply[];
  try {
    replies = await app.core.handle({
      type: 'command',
      id: randomUUID(),
      actor: { userKey: `console:${user}`, platform: 'console', tenant: 'local', displayName: user },
      channel: { key: `console:local:${user}`, platform: 'console', tenant: 'local' },
      command,
      text,
      options: { count: ASK_PAGE_SIZE },
    });
  } finally {
    await app.close();
  }
  const failed = replies.find((r) =>
    ['user_error', 'error', 'unavailable'].includes(String(r.data?.outcome)),
  );
  if (failed) {
    // `--json` callers read stdout: a user error is a JSON object there too, not silence.
    if (opts.json) {
      const error = {
        error: String(failed.data?.error ?? failed.data?.outcome),
        message: plainText(failed.text),
      };
      process.stdout.write(`${JSON.stringify(error)}\n`);
    }
    process.stderr.write(`movierec: ${plainText(failed.text)}\n`);
    process.exitCode = failed.data?.outcome === 'user_error' ? USER_ERROR_EXIT : 1;
    return;
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(toJson(replies), null, 2)}\n`);
    return;
  }
  const paint = painter(Boolean(process.stdout.isTTY) && !process.env.NO_COLOR);
  let n = 1;
  for (const reply of replies) {
    process.stdout.write(`${renderReply(reply, n, paint, 'one-shot')}\n`);
    n += reply.cards?.length ?? 0;
  }
}

/** `{ text, movies, parsed?, … }`: the replies' text joined, their movies in order, extras merged. */
function toJson(replies: Reply[]): Record<string, unknown> {
  const movies: unknown[] = [];
  const extras: Record<string, unknown> = {};
  for (const reply of replies) {
    const { movies: listed, sessionId: _s, ...rest } = (reply.data ?? {}) as Record<string, unknown>;
    if (Array.isArray(listed) && listed.length > 0) movies.push(...listed);
    else for (const card of reply.cards ?? []) movies.push(cardData(card, undefined, null));
    Object.assign(extras, rest);
  }
  return {
    text: replies
      .map((r) => r.text)
      .filter(Boolean)
      .join('\n'),
    movies,
    ...extras,
  };
}

function plainText(text: string): string {
  return text.replace(/\*\*(.+?)\*\*/g, '$1').replace(/`([^`]+)`/g, '$1');
}
