import type { Command } from 'commander';
import { createApp, startAdapters } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createLogger } from '../../logger.ts';

/** Quieter logs when the terminal is the chat: info lines would interleave with the conversation. */
const CONSOLE_LOG_LEVEL = 'warn';

/**
 * After a clean stop the process should end by itself; a library that keeps reconnect timers alive
 * (discord.js while the gateway is unreachable) must not hold it open past this grace period.
 */
const EXIT_GRACE_MS = 3_000;

export async function run(_cmd: Command): Promise<void> {
  const config = loadConfig();
  const chatInTerminal = !config.discord && !config.slack;
  const level = chatInTerminal && !process.env.LOG_LEVEL ? CONSOLE_LOG_LEVEL : config.logLevel;
  const logger = createLogger(level);
  const app = await createApp(config, logger, { instrument: true });
  // Load (or train) the model before any platform can send events: training on first use would
  // block the event loop past Discord's and Slack's 3-second acknowledgement deadlines.
  await app.recommender.current();
  const running = await startAdapters(app, { console: { user: process.env.USER ?? 'me' } });
  await running.done;
  await running.stop();
  setTimeout(() => {
    logger.warn('still running after shutdown; exiting');
    process.exit(process.exitCode ?? 0);
  }, EXIT_GRACE_MS).unref();
}
