import path from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../errors.ts';

export async function run(cmd: Command): Promise<void> {
  const opts = cmd.opts<{
    json?: boolean;
    quick?: boolean;
    scale: string;
    data?: string;
    budget: string;
    seed: string;
  }>();
  if (opts.scale !== 'small' && opts.scale !== '25m') {
    throw new UserError('bad-scale', `--scale must be small or 25m, not "${opts.scale}".`);
  }
  const budget = Number(opts.budget);
  const seed = Number(opts.seed);
  if (!(budget > 0) || !Number.isInteger(seed))
    throw new UserError('bad-option', '--budget and --seed must be numbers.');
  // Loaded here so other commands never pay for the benchmark code.
  const { DEFAULT_DATA_DIR, runBench } = await import('../../../bench/run.ts');
  await runBench({
    json: Boolean(opts.json),
    quick: Boolean(opts.quick),
    scale: opts.scale,
    dataDir: opts.data ? path.resolve(opts.data) : DEFAULT_DATA_DIR,
    budgetSeconds: budget,
    seed,
  });
}
