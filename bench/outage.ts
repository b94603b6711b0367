/**
 * Database outage under load (issue 16): 100 simulated users drive the real bot core (behind the
 * production request deadline) against a PRIVATE Postgres server this step starts in a temp dir on
 * its own port; the server is stopped (`pg_ctl stop -m fast`) or its postmaster killed with SIGKILL
 * for 60 s, then started again. Reports reply time while it is down (p50 / p99 / max), how long after
 * it accepts connections again (the first `select 1` of a client polling it every 20 ms from the moment
 * `pg_ctl start` is called) until normal answers resume, and acknowledged ratings lost; then one line
 * per run that says PASS or FAIL against each target of issue 16.
 *
 * Needs root (the server runs as `postgres` through runuser) and PostgreSQL 15 binaries under
 * /usr/lib/postgresql/15/bin (PG_BIN overrides). Never touches the shared server on 5432.
 *
 *   npx tsx bench/outage.ts [--mode stop|kill|both] [--users 100] [--outage-seconds 60] [--runs 1]
 *                           [--trace] [--json]
 *
 * `--trace` prints, per run, what happened after the restart (ms from the `pg_ctl start` call): the
 * breaker's states, the first few "database unavailable" causes of each kind, the first normal answer.
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { pino } from 'pino';
import postgres from 'postgres';
import { withDeadline } from '../src/bot/deadline.ts';
import type { BotCore, BotEvent } from '../src/bot/types.ts';
import { openDatabase } from '../src/db/client.ts';
import { ratings, users } from '../src/db/schema.ts';
import { loggerOptions } from '../src/logger.ts';
import { seedCatalog } from '../tests/load/fixture.ts';
import {
  actionEvent,
  buildCore,
  cardMovieIds,
  commandEvent,
  platformUser,
  ratingAction,
  type SimUser,
} from './core-driver.ts';
import { percentile } from './stats.ts';

const TRACE = process.argv.includes('--trace');
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
/** The production default (REQUEST_DEADLINE_MS). */
const DEADLINE_MS = 5_000;
const WARM_SECONDS = 10;
const AFTER_SECONDS = 20;
/** A person reading "try again" waits a moment before trying again; between normal requests less. */
const RETRY_PAUSE_MS = 250;
const THINK_MS = 50;

export type OutageMode = 'stop' | 'kill';

export interface OutageFigures {
  mode: OutageMode;
  users: number;
  outageSeconds: number;
  /** Normal answers' reply time before the outage (p50), the baseline for recovery on this machine. */
  beforeOkP50Ms: number | null;
  /** Replies to requests sent while the server was down (or being stopped / started). */
  whileDown: {
    requests: number;
    p50Ms: number;
    p99Ms: number;
    maxMs: number;
    tryAgain: number;
    other: number;
  };
  /** From the server accepting connections again until the first normal answer, and until every user had one. */
  recovery: {
    /** Until the database layer lets traffic through again (its circuit breaker closed). */
    breakerClosedMs: number | null;
    firstOkMs: number | null;
    allUsersOkMs: number | null;
    /** Reply time of the requests sent in the first 5 s after the restart that were answered normally. */
    okP50Ms: number | null;
  };
  acknowledgedRatings: number;
  lostRatings: number;
  /** Internal-error replies ("something went wrong") over the whole run: should be 0. */
  internalErrors: number;
  loadAverage: number[];
}

interface PrivateServer {
  url: string;
  dataDir: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  kill(): void;
  destroy(): void;
}

const execFileAsync = promisify(execFile);

/** Runs a PostgreSQL tool as user postgres without blocking the event loop (the users keep going). */
async function asPostgres(args: string[]): Promise<void> {
  await execFileAsync('runuser', ['-u', 'postgres', '--', ...args]);
}

/** initdb in a temp dir and start it on a free port, as user postgres, trust auth on 127.0.0.1 only. */
async function startPrivateServer(): Promise<PrivateServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-outage-'));
  fs.chmodSync(dir, 0o755);
  const dataDir = path.join(dir, 'data');
  execFileSync('chown', ['postgres:postgres', dir]);
  await asPostgres([`${PG_BIN}/initdb`, '-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=50 -c fsync=off`;
  const start = async () => {
    // After a SIGKILL the old backends may need a moment to notice their postmaster is gone.
    for (let attempt = 0; ; attempt++) {
      try {
        await asPostgres([
          `${PG_BIN}/pg_ctl`,
          '-D',
          dataDir,
          '-o',
          opts,
          '-l',
          path.join(dir, 'log'),
          '-w',
          'start',
        ]);
        return;
      } catch (error) {
        if (attempt >= 20) throw error;
        await pause(500);
      }
    }
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir,
    start,
    stop: () => asPostgres([`${PG_BIN}/pg_ctl`, '-D', dataDir, '-m', 'fast', '-w', 'stop']),
    kill: () => {
      const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGKILL');
    },
    destroy: () => {
      try {
        execFileSync(
          'runuser',
          ['-u', 'postgres', '--', `${PG_BIN}/pg_ctl`, '-D', dataDir, '-m', 'immediate', '-w', 'stop'],
          {
            stdio: 'pipe',
          },
        );
      } catch {}
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One outage run on a fresh private server. */
export async function runOutage(
  mode: OutageMode,
  userCount: number,
  outageSeconds: number,
): Promise<OutageFigures> {
  const say = (line: string) => process.stderr.write(`bench: outage(${mode}): ${line}\n`);
  const server = await startPrivateServer();
  const sinkLines = { warn: 0, error: 0 };
  // Counted, not printed: every failed request logs a warning during the outage.
  const trace: string[] = [];
  let traceFrom = 0;
  const logger = pino(loggerOptions('warn'), {
    write(line: string) {
      if (line.includes('"level":50')) sinkLines.error++;
      else sinkLines.warn++;
      if (TRACE && traceFrom) {
        const o = JSON.parse(line);
        const codes: string[] = [];
        for (let e = o.err; e; e = e.cause) codes.push(`${e.type}:${e.code ?? ''}:${e.message ?? ''}`);
        trace.push(`${Math.round(performance.now() - traceFrom)} ${o.msg} ${codes.join(' <- ')}`);
      }
    },
  });
  try {
    const admin = postgres(server.url, { max: 1, onnotice: () => {} });
    await admin`create database bench`;
    await admin.end();
    const url = server.url.replace(/\/postgres$/, '/bench');
    const handle = await openDatabase({ url });
    await handle.migrate();
    await seedCatalog(handle.db);
    const cut = buildCore(handle.db, logger);
    await cut.service.current();
    const core: BotCore = withDeadline(cut.core, { deadlineMs: DEADLINE_MS, logger });

    let phase: 'before' | 'down' | 'after' = 'before';
    let upAt = 0;
    let stop = false;
    const down: number[] = [];
    const downOutcome = { tryAgain: 0, other: 0 };
    let internalErrors = 0;
    let firstOkAt: number | null = null;
    const okUsersAfter = new Set<number>();
    const okAfter: number[] = [];
    const okBefore: number[] = [];
    let allOkAt: number | null = null;
    const acknowledged = new Map<string, number>();
    const people: SimUser[] = Array.from({ length: userCount }, (_, i) =>
      platformUser('discord', 'g-outage', `u${i}`),
    );

    const send = async (p: number, event: BotEvent) => {
      const sentIn = phase;
      const t0 = performance.now();
      const replies = await core.handle(event);
      const ms = performance.now() - t0;
      const outcome = replies.find((r) => r.data?.outcome)?.data?.outcome;
      if (outcome === 'error') internalErrors++;
      if (sentIn === 'down') {
        down.push(ms);
        if (outcome === 'unavailable') downOutcome.tryAgain++;
        else if (outcome) downOutcome.other++;
      }
      if (sentIn === 'before' && !outcome) okBefore.push(ms);
      if (sentIn === 'after' && !outcome) {
        const now = performance.now();
        if (t0 - upAt < 5_000) okAfter.push(ms);
        if (firstOkAt === null)
          trace.push(`${Math.round(now - traceFrom)} first ok (sent at ${Math.round(t0 - traceFrom)})`);
        firstOkAt ??= now;
        okUsersAfter.add(p);
        if (okUsersAfter.size === userCount) allOkAt ??= now;
      }
      return { replies, outcome };
    };

    const workers = people.map(async (person, p) => {
      for (let step = 0; !stop; step++) {
        const { replies, outcome } = await send(p, commandEvent(person, 'recommend'));
        if (outcome === 'unavailable') {
          await pause(RETRY_PAUSE_MS);
          continue;
        }
        const ids = cardMovieIds(replies);
        const movieId = ids[step % Math.max(1, ids.length)];
        const select = movieId === undefined ? undefined : ratingAction(replies, movieId);
        if (select) {
          const stars = select.values[(p + step) % select.values.length]!;
          const ack = await send(p, actionEvent(person, select.id, stars));
          if (ack.replies.length === 1 && ack.replies[0]!.text.startsWith('Rated'))
            acknowledged.set(`${person.userKey}|${movieId}`, Number(stars));
        }
        await pause(THINK_MS);
      }
    });

    say(`${userCount} users warming up for ${WARM_SECONDS} s`);
    await pause(WARM_SECONDS * 1000);
    phase = 'down';
    if (mode === 'stop') await server.stop();
    else server.kill();
    say(
      `server ${mode === 'stop' ? 'stopped' : 'killed (SIGKILL to the postmaster)'} for ${outageSeconds} s`,
    );
    await pause(outageSeconds * 1000);
    traceFrom = performance.now();
    const accepted = firstAnswer(server.url);
    await server.start();
    const pgCtlReturned = performance.now();
    upAt = Math.min(await accepted, pgCtlReturned);
    trace.push(`${Math.round(upAt - traceFrom)} server accepting connections (first select 1 answered)`);
    trace.push(`${Math.round(pgCtlReturned - traceFrom)} pg_ctl start returned`);
    phase = 'after';
    let breakerClosedAt: number | null = null;
    let lastState = '';
    const watch = setInterval(() => {
      const state = handle.pool?.().breaker;
      if (state !== lastState) trace.push(`${Math.round(performance.now() - traceFrom)} breaker ${state}`);
      lastState = state ?? '';
      if (breakerClosedAt === null && state === 'closed') breakerClosedAt = performance.now();
    }, 10);
    say('server accepting connections again');
    await pause(AFTER_SECONDS * 1000);
    stop = true;
    clearInterval(watch);
    if (TRACE) {
      const seen = new Map<string, number>();
      for (const line of trace) {
        const key = line.replace(/^\d+ /, '');
        const n = seen.get(key) ?? 0;
        seen.set(key, n + 1);
        if (n < 3) process.stderr.write(`trace: ${line}\n`);
      }
    }
    await Promise.all(workers);

    const readStored = () =>
      handle.db
        .select({ key: users.externalId, movieId: ratings.movieId, rating: ratings.rating })
        .from(ratings)
        .innerJoin(users, eq(users.id, ratings.userId))
        .where(eq(ratings.source, 'button'));
    // If the bot has not recovered by now, keep asking for a while: the count must still be made.
    let stored: Awaited<ReturnType<typeof readStored>> | undefined;
    for (let attempt = 0; stored === undefined; attempt++) {
      stored = await readStored().catch((error: unknown) => {
        if (attempt >= 60) throw error;
        return undefined;
      });
      if (stored === undefined) await pause(500);
    }
    const byKey = new Map(stored.map((r) => [`${r.key}|${r.movieId}`, r.rating]));
    const lost = [...acknowledged].filter(([k, v]) => byKey.get(k) !== v).length;
    await cut.close();
    await handle.close();
    down.sort((a, b) => a - b);
    const round = (x: number) => Math.round(x);
    return {
      mode,
      users: userCount,
      outageSeconds,
      beforeOkP50Ms: okBefore.length
        ? round(
            percentile(
              okBefore.sort((a, b) => a - b),
              50,
            ),
          )
        : null,
      whileDown: {
        requests: down.length,
        p50Ms: round(percentile(down, 50)),
        p99Ms: round(percentile(down, 99)),
        maxMs: round(down.at(-1) ?? 0),
        ...downOutcome,
      },
      recovery: {
        breakerClosedMs: breakerClosedAt === null ? null : round(breakerClosedAt - upAt),
        okP50Ms: okAfter.length
          ? round(
              percentile(
                okAfter.sort((a, b) => a - b),
                50,
              ),
            )
          : null,
        firstOkMs: firstOkAt === null ? null : round(firstOkAt - upAt),
        allUsersOkMs: allOkAt === null ? null : round(allOkAt - upAt),
      },
      acknowledgedRatings: acknowledged.size,
      lostRatings: lost,
      internalErrors,
      loadAverage: os.loadavg().map((x) => Math.round(x * 10) / 10),
    };
  } finally {
    server.destroy();
  }
}

/**
 * When the server first answers `select 1` (performance.now()), polling every 20 ms on a fresh
 * connection each time; started before `pg_ctl start` is called.
 */
async function firstAnswer(url: string): Promise<number> {
  for (;;) {
    const probe = postgres(url, { max: 1, connect_timeout: 1, onnotice: () => {}, fetch_types: false });
    const ok = await probe`select 1`.then(
      () => true,
      () => false,
    );
    const at = performance.now();
    await probe.end({ timeout: 0 }).catch(() => {});
    if (ok) return at;
    await pause(20);
  }
}

/** Each target of issue 16 for one run: PASS or FAIL with the figure. */
export function outageVerdict(r: OutageFigures): { pass: boolean; line: string } {
  const checks: [string, boolean][] = [
    [`every reply while down within 6 s (max ${r.whileDown.maxMs} ms)`, r.whileDown.maxMs <= 6_000],
    [
      `normal answers resume within 5 s (first ${r.recovery.firstOkMs ?? 'none'} ms, every user ${r.recovery.allUsersOkMs ?? 'not all'} ms)`,
      r.recovery.allUsersOkMs !== null && r.recovery.allUsersOkMs <= 5_000,
    ],
    [
      `0 acknowledged ratings lost (${r.lostRatings} of ${r.acknowledgedRatings})`,
      r.lostRatings === 0 && r.acknowledgedRatings > 0,
    ],
    [`0 internal errors (${r.internalErrors})`, r.internalErrors === 0],
  ];
  const pass = checks.every(([, ok]) => ok);
  return {
    pass,
    line:
      `outage ${r.mode}, ${r.users} users, ${r.outageSeconds} s: ${pass ? 'PASS' : 'FAIL'} — ` +
      `${checks.map(([text, ok]) => `${ok ? 'pass' : 'FAIL'}: ${text}`).join('; ')}; ` +
      `load ${r.loadAverage.join(' ')}`,
  };
}

function pause(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Why this step cannot run here, or undefined when it can. */
export function outageUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (the private server runs as user postgres via runuser)';
  if (!fs.existsSync(`${PG_BIN}/pg_ctl`)) return `no PostgreSQL binaries in ${PG_BIN} (set PG_BIN)`;
  return undefined;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const modeArg = arg('mode') ?? 'both';
  const modes: OutageMode[] = modeArg === 'both' ? ['stop', 'kill'] : [modeArg as OutageMode];
  const why = outageUnavailable();
  if (why) {
    process.stderr.write(`bench: outage skipped: ${why}\n`);
    process.exit(0);
  }
  const results: OutageFigures[] = [];
  const runs = Number(arg('runs') ?? 1);
  for (let run = 0; run < runs; run++) {
    for (const mode of modes) {
      const r = await runOutage(mode, Number(arg('users') ?? 100), Number(arg('outage-seconds') ?? 60));
      results.push(r);
      if (!process.argv.includes('--json')) {
        process.stdout.write(
          `${mode}: ${r.users} users, normal reply p50 before ${r.beforeOkP50Ms} ms; ${r.outageSeconds} s down: reply while down p50 ${r.whileDown.p50Ms} ms, ` +
            `p99 ${r.whileDown.p99Ms} ms, max ${r.whileDown.maxMs} ms (${r.whileDown.requests} requests, ` +
            `${r.whileDown.tryAgain} "try again"); breaker closed ${r.recovery.breakerClosedMs} ms after restart, first normal answer ${r.recovery.firstOkMs} ms after restart, ` +
            `every user ${r.recovery.allUsersOkMs} ms (normal answers' p50 ${r.recovery.okP50Ms} ms); ${r.acknowledgedRatings} acknowledged ratings, ` +
            `${r.lostRatings} lost; ${r.internalErrors} internal errors; load ${r.loadAverage.join(' ')}\n`,
        );
      }
    }
  }
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(results)}\n`);
  else for (const r of results) process.stdout.write(`${outageVerdict(r).line}\n`);
  process.exit(0);
}
