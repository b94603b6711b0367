import type { Command } from 'commander';
import { createApp, startAdapters } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createLogger } from '../../logger.ts';

/** Quieter logs when the terminal is the chat: info lines would interleave with the conversation. */
const CONSOLE_LOG_LEVEL = 'warn';

export async function run(_cmd: Command): Promise<void> {
  const config = loadConfig();
  const chatInTerminal = !config.discord && !config.slack;
  const level = chatInTerminal && !process.env.LOG_LEVEL ? CONSOLE_LOG_LEVEL : config.logLevel;
  const logger = createLogger(level);
  const app = await createApp(config, logger, { instrument: true });
  const running = await startAdapters(app, { console: { user: process.env.USER ?? 'me' } });
  await running.done;
  await running.stop();
}
