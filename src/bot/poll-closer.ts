/**
 * Closes movie-night polls on time. A poll used to close only when someone voted (or typed
 * `/movienight close`) after its closing time; the closer finds open polls whose time has passed,
 * settles each exactly once — also with several bot processes on one database — and hands back the
 * winner's announcement for the poll's channel. {@link startPollCloser} runs it on a timer and posts
 * the announcements through the platform adapters; an announcement is marked done only once posted,
 * and one that failed (or whose process died before posting) is retried, by one closer at a time.
 */
import type { Database } from '../db/client.ts';
import {
  claimPendingAnnouncements,
  giveUpAnnouncements,
  markAnnounced,
  openPollsClosingBy,
  type PollRow,
} from '../db/store/polls.ts';
import type { Logger } from '../logger.ts';
import type { CatalogSource } from './catalog-view.ts';
import {
  closedPollEdit,
  type SettledPoll,
  settledPoll,
  settlePoll,
  winnerAnnouncement,
} from './commands/vote.ts';
import type { BotCoreDeps } from './context.ts';
import type { ChannelRef, Platform, Reply } from './types.ts';

/** How often the closer looks for due polls; a precise timer covers the next one within this window. */
export const POLL_CLOSER_INTERVAL_MS = 15_000;
/** Polls settled per pass; a full batch is followed by another pass at once. */
export const POLL_CLOSE_BATCH = 50;
/**
 * Shortest wait before an announcement is tried again. It is also how long the closer that claimed it
 * has to post it (a Discord 429 wait, Slack's retries) before another closer may try: keep it longer
 * than a post can take.
 */
export const ANNOUNCE_RETRY_MIN_MS = 2 * 60_000;
/** Longest wait between two tries of one announcement. */
export const ANNOUNCE_RETRY_MAX_MS = 10 * 60_000;
/** Announcements of polls that closed longer ago than this are given up (logged once, not retried). */
export const ANNOUNCE_GIVE_UP_MS = 60 * 60_000;

/**
 * When an announcement claimed at `now` may be tried again: after as long as the poll has been closed,
 * between {@link ANNOUNCE_RETRY_MIN_MS} and {@link ANNOUNCE_RETRY_MAX_MS} (tries at about 0, 2, 4, 8,
 * 16 minutes after closing, then every 10).
 */
export function announceRetryAt(now: Date, closesAt: Date): Date {
  const wait = Math.min(
    ANNOUNCE_RETRY_MAX_MS,
    Math.max(ANNOUNCE_RETRY_MIN_MS, now.getTime() - closesAt.getTime()),
  );
  return new Date(now.getTime() + wait);
}

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
  /**
   * The poll's own message in its closed state (winner shown, buttons disabled), as an edit
   * ({@link Reply.editMessage}); absent when the poll's message was never recorded.
   */
  edit?: Reply;
}

/** Where a poll was posted, as the adapters address channels (`<platform>:<tenant>:<channel>`). */
export function pollChannel(poll: Pick<PollRow, 'channel' | 'tenant'>): ChannelRef {
  const platform = poll.channel.slice(0, poll.channel.indexOf(':')) as Platform;
  return { key: poll.channel, platform, tenant: poll.tenant.slice(platform.length + 1) };
}

/**
 * Settles every open poll of `deps.platforms` whose closing time has passed (at most `limit`, soonest
 * first) and returns one announcement per poll this call closed, claimed for this caller until
 * {@link announceRetryAt}: post it, then {@link markAnnounced}. A poll that another process, a late
 * vote or `/movienight close` settled first is skipped: its winner was announced there.
 */
export async function closeDuePolls(
  deps: PollCloserDeps,
  limit = POLL_CLOSE_BATCH,
): Promise<PollAnnouncement[]> {
  const now = (deps.now ?? (() => new Date()))();
  const due = await openPollsClosingBy(deps.db, now, deps.platforms, limit);
  return announcements(deps, due, (poll) =>
    settlePoll(deps.db, poll.id, { announceAfter: announceRetryAt(now, poll.closesAt) }),
  );
}

/**
 * Claims closed polls of `deps.platforms` whose announcement is still pending — its post failed, or the
 * process that settled it died first — and is due for another try, and returns their announcements
 * (at most `limit`), each claimed by this caller alone until {@link announceRetryAt}. Polls that closed
 * more than {@link ANNOUNCE_GIVE_UP_MS} ago are given up instead, each logged once.
 */
export async function retryPendingAnnouncements(
  deps: PollCloserDeps,
  limit = POLL_CLOSE_BATCH,
): Promise<PollAnnouncement[]> {
  const now = (deps.now ?? (() => new Date()))();
  const since = new Date(now.getTime() - ANNOUNCE_GIVE_UP_MS);
  const gaveUp = await giveUpAnnouncements(deps.db, { now, before: since, platforms: deps.platforms });
  for (const p of gaveUp)
    deps.logger.warn(
      { pollId: p.id, channel: p.channel, closesAt: p.closesAt },
      'gave up announcing a movie-night poll result',
    );
  const pending = await claimPendingAnnouncements(deps.db, {
    now,
    since,
    platforms: deps.platforms,
    limit,
    retryAt: (closesAt) => announceRetryAt(now, closesAt),
  });
  return announcements(deps, pending, (poll) => settledPoll(deps.db, poll));
}

/** The winner's announcement of each poll `settle` hands back (a failure is logged and skipped). */
async function announcements(
  deps: PollCloserDeps,
  polls: readonly PollRow[],
  settle: (poll: PollRow) => Promise<SettledPoll | undefined>,
): Promise<PollAnnouncement[]> {
  if (polls.length === 0) return [];
  const view = await deps.catalog.current();
  const out: PollAnnouncement[] = [];
  for (const poll of polls) {
    try {
      const settled = await settle(poll);
      if (!settled) continue;
      let reply = winnerAnnouncement(view, settled, 'time-up');
      if (deps.enrichCards && reply.cards?.length)
        reply = { ...reply, cards: await deps.enrichCards(reply.cards, null) };
      const edit = await closedPollEdit(deps.db, view, settled);
      out.push({ pollId: poll.id, channel: pollChannel(poll), reply, ...(edit ? { edit } : {}) });
    } catch (error) {
      deps.logger.error({ err: error, pollId: poll.id }, 'closing or announcing a movie-night poll failed');
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
  /**
   * One pass now (passes never overlap): closes due polls, retries pending announcements; resolves with
   * how many polls it closed.
   */
  runOnce(): Promise<number>;
  /** Clears the timers and waits for a pass in progress. */
  stop(): Promise<void>;
}

/**
 * Runs {@link closeDuePolls} at once (polls that came due while the bot was down), every `intervalMs`,
 * and at the exact closing time of the next poll due within the interval; each pass then retries the
 * announcements still pending ({@link retryPendingAnnouncements}). Timers are unref'd: they never keep
 * the process alive. A failed pass (database away) is logged and retried on the next tick.
 */
export function startPollCloser(options: PollCloserOptions): PollCloser {
  const { logger } = options;
  const now = options.now ?? (() => new Date());
  const intervalMs = options.intervalMs ?? POLL_CLOSER_INTERVAL_MS;
  let stopped = false;
  let running: Promise<number> | undefined;
  let again = false;
  let precise: NodeJS.Timeout | undefined;

  /** Posts each announcement; one posted is marked announced, one not stays pending for a retry. */
  async function postAll(batch: readonly PollAnnouncement[]): Promise<void> {
    for (const a of batch) {
      // The poll's buttons are disabled first; a failed edit is logged, never retried (the winner is).
      if (a.edit) {
        const edited = await options.post({ ...a, reply: a.edit }).catch(() => false);
        if (!edited) logger.warn({ pollId: a.pollId }, 'could not edit a closed poll message');
      }
      const posted = await options.post(a).catch((error) => {
        logger.error({ err: error, pollId: a.pollId }, 'posting a poll result failed');
        return false;
      });
      if (posted) {
        await markAnnounced(options.db, a.pollId, now());
        logger.info({ pollId: a.pollId, channel: a.channel.key }, 'movie-night poll result posted');
      } else
        logger.warn(
          { pollId: a.pollId, channel: a.channel.key },
          'poll closed but its result not posted; will retry',
        );
    }
  }

  async function pass(): Promise<number> {
    let closed = 0;
    for (;;) {
      const batch = await closeDuePolls({ ...options, now }, POLL_CLOSE_BATCH);
      await postAll(batch);
      closed += batch.length;
      if (batch.length < POLL_CLOSE_BATCH || stopped) break;
    }
    // A claimed announcement waits until its retry time, so a second batch never repeats the first.
    for (;;) {
      const batch = await retryPendingAnnouncements({ ...options, now }, POLL_CLOSE_BATCH);
      await postAll(batch);
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
