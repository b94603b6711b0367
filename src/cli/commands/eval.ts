import type { Command } from 'commander';
import { UserError } from '../../errors.ts';
import {
  DEFAULT_REFERENCES,
  EVAL_MODELS,
  type EvalModel,
  REFERENCE_MODELS,
  readEvalDataset,
  runEval,
} from '../../recommend/eval/run-eval.ts';

export async function run(cmd: Command): Promise<void> {
  const opts = cmd.opts<{
    data: string;
    json?: boolean;
    models?: string;
    protocol: string;
    validation?: boolean;
    config?: string;
    tune?: boolean;
  }>();
  const p = opts.protocol.toUpperCase();
  if (!['T', 'R', 'C', 'BOTH', 'ALL'].includes(p))
    throw new UserError('eval-protocol', '--protocol must be T, R, C, both (T and R) or all');
  const protocols: ('T' | 'R' | 'C')[] =
    p === 'BOTH' ? ['T', 'R'] : p === 'ALL' ? ['T', 'R', 'C'] : [p as 'T' | 'R' | 'C'];
  const models = opts.models
    ? opts.models.split(',').map((m) => m.trim())
    : [
        ...EVAL_MODELS,
        ...REFERENCE_MODELS.filter((m) =>
          protocols.some((q) => q !== 'R' && DEFAULT_REFERENCES[q].includes(m)),
        ),
      ];
  const known: readonly string[] = [...EVAL_MODELS, ...REFERENCE_MODELS];
  const unknown = models.filter((m) => !known.includes(m));
  if (unknown.length > 0) {
    throw new UserError(
      'eval-unknown-model',
      `Unknown model(s): ${unknown.join(', ')}. Known: ${known.join(', ')}`,
    );
  }
  let config: object | undefined;
  if (opts.config) {
    try {
      config = JSON.parse(opts.config) as object;
    } catch (error) {
      throw new UserError('eval-config', `--config is not valid JSON: ${(error as Error).message}`);
    }
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`reading ${opts.data}`);
  const dataset = readEvalDataset(opts.data);
  const lines = runEval(dataset, {
    models: models as EvalModel[],
    protocols,
    validation: opts.validation,
    tune: opts.tune !== false,
    config,
    log,
  });
  for (const l of lines) {
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(roundAll(l))}\n`);
    } else {
      const cells = Object.entries(roundAll(l))
        .filter(([k]) => k !== 'model')
        .map(([k, v]) => `${k}=${v}`);
      process.stdout.write(`${l.model.padEnd(11)} ${cells.join('  ')}\n`);
    }
  }
}

function roundAll(l: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(l).map(([k, v]) => [
      k,
      typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(4)) : v,
    ]),
  );
}
