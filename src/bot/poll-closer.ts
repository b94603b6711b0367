/**
 * Closes movie-night polls on time. A poll used to close only when someone voted (or typed
 * `/movienight close`) after its closing time; the closer finds open polls whose time has passed,
 * settles each exactly once — also with several bot processes on one database — and hands back the
 * winner's announcement for the poll's channel. {@link startPollCloser} runs it on a timer and posts
 * the announcements through the platform adapters.
 */
import type { Database } from '../db/client.ts';
import { openPollsClosingBy, type PollRow } from '../db/store/polls.ts';
import type { Logger } from '../logger.ts';
import type { CatalogSource } from './catalog-view.ts';
import { settlePoll, winnerAnnouncement } from './commands/vote.ts';
import type { BotCoreDeps } from './context.ts';
import type { ChannelRef, Platform, Reply } from './types.ts';

/** How often the closer looks for due polls; a precise timer covers the next one within this window. */
export const POLL_CLOSER_INTERVAL_MS = 15_000;
/** Polls settled per pass; a full batch is followed by another pass at once. */
export const POLL_CLOSE_BATCH = 50;

export interface PollCloserDeps {
  db: Database;
  logger: Logger;
  catalog: CatalogSource;
  /**
   * Platforms whose polls this process closes: only those it can announce on (a Slack-only process
   * leaves Discord polls to the process that runs Discord).
   */
  platforms: readonly Platform[];
  /** Clock, for tests. */
  now?: () => Date;
  /** Posters and the like for the winner's card, as the core adds them to replies. */
  enrichCards?: BotCoreDeps['enrichCards'];
}

/** A winner to announce: the public reply for the channel the poll was posted in. */
export interface PollAnnouncement {
  pollId: string;
  channel: ChannelRef;
  reply: Reply;
}

/** Where a poll was posted, as the adapters address channels (`<platform>:<tenant>:<channel>`). */
export function pollChannel(poll: Pick<PollRow, 'channel' | 'tenant'>): ChannelRef {
  const platform = poll.channel.slice(0, poll.channel.indexOf(':')) as Platform;
  return { key: poll.channel, platform, tenant: poll.tenant.slice(platform.length + 1) };
}

/**
 * Settles every open poll of `deps.platforms` whose closing time has passed (at most `limit`, soonest
 * first) and returns one announcement per poll this call closed. A poll that another process, a late
 * vote or `/movienight close` settled first is skipped: its winner was announced there.
 */
export async function closeDuePolls(
  deps: PollCloserDeps,
  limit = POLL_CLOSE_BATCH,
): Promise<PollAnnouncement[]> {
  const due = await openPollsClosingBy(deps.db, (deps.now ?? (() => new Date()))(), deps.platforms, limit);
  if (due.length === 0) return [];
  const view = await deps.catalog.current();
  const out: PollAnnouncement[] = [];
  for (const poll of due) {
    try {
      const settled = await settlePoll(deps.db, poll.id);
      if (!settled) continue;
      let reply = winnerAnnouncement(view, settled, 'time-up');
      if (deps.enrichCards && reply.cards?.length)
        reply = { ...reply, cards: await deps.enrichCards(reply.cards, null) };
      out.push({ pollId: poll.id, channel: pollChannel(poll), reply });
    } catch (error) {
      deps.logger.error({ err: error, pollId: poll.id }, 'closing a movie-night poll failed');
    }
  }
  return out;
}

export interface PollCloserOptions extends PollCloserDeps {
  /** Posts one announcement; resolves false when the platform refused it (the adapter logs why). */
  post(announcement: PollAnnouncement): Promise<boolean>;
  /** Default {@link POLL_CLOSER_INTERVAL_MS}. */
  intervalMs?: number;
}

/** A running closer. */
export interface PollCloser {
  /** One pass now (passes never overlap); resolves with how many polls it closed. */
  runOnce(): Promise<number>;
  /** Clears the timers and waits for a pass in progress. */
  stop(): Promise<void>;
}

/**
 * Runs {@link closeDuePolls} at once (polls that came due while the bot was down), every `intervalMs`,
 * and at the exact closing time of the next poll due within the interval. Timers are unref'd: they never
 * keep the process alive. A failed pass (database away) is logged and retried on the next tick.
 */
export function startPollCloser(options: PollCloserOptions): PollCloser {
  const { logger } = options;
  const now = options.now ?? (() => new Date());
  const intervalMs = options.intervalMs ?? POLL_CLOSER_INTERVAL_MS;
  let stopped = false;
  let running: Promise<number> | undefined;
  let again = false;
  let precise: NodeJS.Timeout | undefined;

  async function pass(): Promise<number> {
    let closed = 0;
    for (;;) {
      const batch = await closeDuePolls({ ...options, now }, POLL_CLOSE_BATCH);
      for (const a of batch) {
        const posted = await options.post(a).catch((error) => {
          logger.error({ err: error, pollId: a.pollId }, 'posting a poll result failed');
          return false;
        });
        if (posted) logger.info({ pollId: a.pollId, channel: a.channel.key }, 'movie-night poll closed');
        else
          logger.warn({ pollId: a.pollId, channel: a.channel.key }, 'poll closed but its result not posted');
      }
      closed += batch.length;
      if (batch.length < POLL_CLOSE_BATCH || stopped) break;
    }
    await scheduleNext();
    return closed;
  }

  /** A timer for the next poll closing before the next tick, so it is announced on the minute. */
  async function scheduleNext(): Promise<void> {
    if (stopped) return;
    const at = now();
    const [next] = await openPollsClosingBy(
      options.db,
      new Date(at.getTime() + intervalMs),
      options.platforms,
      1,
    );
    clearTimeout(precise);
    precise = undefined;
    if (!next || stopped) return;
    precise = setTimeout(tick, Math.max(0, next.closesAt.getTime() - at.getTime()));
    precise.unref();
  }

  function runOnce(): Promise<number> {
    if (stopped) return Promise.resolve(0);
    if (running) {
      // A pass is under way: run one more after it, so a poll that came due meanwhile is not missed.
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        try {
          total += await pass();
        } catch (error) {
          logger.error({ err: error }, 'poll closer pass failed');
        }
      } while (again && !stopped);
      return total;
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  function tick() {
    void runOnce();
  }

  const interval = setInterval(tick, intervalMs);
  interval.unref();
  tick();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(interval);
      clearTimeout(precise);
      await running;
    },
  };
}
