import type { Command } from 'commander';

/** A subcommand's implementation module: `run` receives commander's action arguments. */
export interface CommandModule {
  run(cmd: Command, ...args: unknown[]): Promise<void>;
}

export interface CliCommandSpec {
  name: string;
  description: string;
  /** Declares arguments and options on the commander command. */
  configure?: (cmd: Command) => void;
  load: () => Promise<CommandModule>;
}

/** Every `movierec` subcommand, declared here and implemented in its own file. */
export const COMMANDS: CliCommandSpec[] = [
  {
    name: 'migrate',
    description: 'apply pending database migrations (safe when several processes start at once)',
    load: () => import('./migrate.ts'),
  },
  {
    name: 'discord',
    description:
      'Discord setup: "discord deploy [--guild ID]" registers the slash commands and prints the invite URL',
    configure: (cmd) =>
      cmd
        .argument('<action>', 'what to do: deploy')
        .option(
          '--guild <id>',
          'register in one server only (instant; global registration can take an hour)',
        ),
    load: () => import('./discord.ts'),
  },
  {
    name: 'start',
    description: 'run the bot: every configured platform (Discord, Slack), or the console chat when none is',
    load: () => import('./start.ts'),
  },
  {
    name: 'ask',
    description:
      'send one chat message as a console user and print the reply (e.g. ask --user ana "/recommend")',
    configure: (cmd) =>
      cmd
        .argument('<message>', 'a chat message: "/recommend 90s sci-fi", "/rate Heat 4.5", "/movie Alien" …')
        .requiredOption('--user <name>', 'console user name (ratings are kept per user)')
        .option('--json', 'print the reply as one JSON object { text, movies, parsed? }'),
    load: () => import('./ask.ts'),
  },
  {
    name: 'import',
    description:
      'import a catalog: "import movielens [--from DIR]" (ratings; downloads ml-latest-small without --from), ' +
      '"import imdb [--from DIR] [--min-votes N]" (films, runtimes, people; downloads IMDb\'s datasets without --from)',
    configure: (cmd) =>
      cmd
        .argument('<source>', 'what to import: movielens or imdb')
        .option(
          '--from <dir>',
          'a directory with the files (MovieLens ml-latest-small layout, or IMDb .tsv.gz / .tsv); no download',
        )
        .option('--md5 <hex>', 'pinned MD5 of the zip (default: the .md5 file GroupLens publishes beside it)')
        .option('--refresh', 'download again even when a cached copy exists')
        .option(
          '--force',
          'import a known release even when it does not match its published counts/checksums',
        )
        .option(
          '--min-votes <n>',
          'imdb: also add films the catalog lacks with at least this many votes (default 1000)',
        ),
    load: () => import('./import.ts'),
  },
  {
    name: 'enrich',
    description:
      'fill the TMDB cache (posters, trailers, people, where to watch) for the catalogue, most-rated first',
    configure: (cmd) => cmd.option('--limit <n>', 'enrich at most this many movies'),
    load: () => import('./enrich.ts'),
  },
  {
    name: 'tmdb',
    description:
      'TMDB: "tmdb sync" adds now-playing and upcoming films with credits and keywords (a running bot does it every TMDB_SYNC_HOURS)',
    configure: (cmd) =>
      cmd
        .argument('<action>', 'what to do: sync')
        .option('--pages <n>', 'pages of each list to read (20 films a page)')
        .option('--limit <n>', 'add at most this many new films (default TMDB_SYNC_MAX_NEW, 40)')
        .option('--region <code>', 'release dates of this region, e.g. US (default TMDB_SYNC_REGION)'),
    load: () => import('./tmdb.ts'),
  },
  {
    name: 'stats',
    description:
      'community insights: ratings per day, top films, genre mix, raters, recommendation acceptance',
    configure: (cmd) =>
      cmd
        .option('--html <file>', 'also write a self-contained HTML report with charts')
        .option('--png <file>', 'also write the chart image the chat platforms get')
        .option('--tenant <id>', 'only users of this guild / team / workspace')
        .option('--json', 'print the numbers as JSON instead of text'),
    load: () => import('./stats.ts'),
  },
  {
    name: 'bench',
    description:
      'benchmarks: import, training, recommendation latency (PGlite and Postgres), throughput, RSS, scale-up',
    configure: (cmd) =>
      cmd
        .option('--json', 'print the full report as JSON on stdout (the table goes to stderr)')
        .option('--quick', 'one run of each step and a shorter scale-up (a few minutes)')
        .option('--scale <scale>', 'small (ml-latest-small only) or 25m (also the generated scale-up)', '25m')
        .option('--data <dir>', 'directory holding ml-latest-small/ (default ../shared/data)')
        .option('--budget <seconds>', 'time budget; scale-up points that would not fit are skipped', '800')
        .option('--seed <n>', 'seed of the generated scale-up data', '42'),
    load: () => import('./bench.ts'),
  },
  {
    name: 'train',
    description:
      'retrain the recommender on the database and store it (running bots pick it up within seconds)',
    load: () => import('./train.ts'),
  },
  {
    name: 'eval',
    description:
      'offline evaluation (EVAL.md protocols T, R and C) of every model and the hybrid on a MovieLens directory',
    configure: (cmd) =>
      cmd
        .requiredOption('--data <dir>', 'directory in the MovieLens ml-latest-small layout')
        .option('--json', 'one JSON object per model on stdout')
        .option(
          '--models <list>',
          'comma-separated subset: popularity,item-knn,user-knn,content,ease,mf,baseline,hybrid,reference-popular,reference-item-knn,reference-ease-200,reference-ease,reference-ease-centred,reference-ease-recency',
        )
        .option(
          '--protocol <p>',
          'T (top-N ranking), R (rating prediction), C (new users), both (T and R) or all',
          'both',
        )
        .option('--validation', 'evaluate on a validation split carved from the training data (for tuning)')
        .option('--config <json>', 'hybrid config overrides as JSON (for tuning with --validation)')
        .option(
          '--no-tune',
          "train the hybrid with the given/default settings instead of train's validation search",
        ),
    load: () => import('./eval.ts'),
  },
];
