import type { BenchReport } from './run.ts';
import type { LatencySummary } from './stats.ts';

const lat = (s: LatencySummary | undefined) => (s ? `${s.p50} / ${s.p95} / ${s.p99}` : '—');

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** The human-readable summary: markdown tables (they paste straight into the README). */
export function formatReport(r: BenchReport): string {
  const m = r.machine;
  const parts: string[] = [
    `movierec bench — ${r.startedAt} — ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB RAM, Node ${m.node}` +
      `${m.postgres ? `, PostgreSQL ${m.postgres}` : ''}; load average ${m.loadAverageAtStart} → ${r.loadAverageAtEnd}` +
      `${r.options.quick ? ' (quick)' : ''}`,
  ];
  if (r.small.skipped) parts.push(`ml-latest-small: ${r.small.skipped}`);
  const core = r.small.core;
  if (core.length) {
    parts.push(
      '',
      'ml-latest-small through the core (latency p50 / p95 / p99 in ms, medians of runs):',
      table(
        [
          'database',
          'import s',
          'train s (cpu s)',
          'import+train s',
          'recommend (cpu ms/req)',
          'new user',
          'rating visible',
          'throughput',
          'bench process RSS MB',
        ],
        core.map((c) =>
          'skipped' in c
            ? [c.kind, c.skipped, '', '', '', '', '', '', '']
            : [
                c.kind,
                String(c.importSeconds),
                `${c.trainFromDbSeconds} (${c.trainCpuSeconds})`,
                String(c.importPlusTrainSeconds),
                `${lat(c.recommendMs)} (${c.recommendCpuMsPerRequest})`,
                lat(c.recommendNewUserMs),
                `${lat(c.ratingVisibleMs)} (${c.ratingVisibleMs.visible}/${c.ratingVisibleMs.trials})`,
                `${c.throughput.requestsPerSecond} req/s, ${c.throughput.users} users, ${c.throughput.errors} errors, p99 ${c.throughput.latencyMs.p99} ms`,
                String(c.peakRssMb),
              ],
        ),
      ),
    );
  }
  if (r.small.training !== undefined)
    parts.push('', `training per model: ${JSON.stringify(r.small.training)}`);
  if (r.small.nlp !== undefined) parts.push('', `autocomplete + parse: ${JSON.stringify(r.small.nlp)}`);
  if (!r.small.skipped) {
    parts.push(
      '',
      `peak RSS of the orchestrating process (engine + NLP benches run in it): ${r.small.peakRssMb} MB`,
    );
    for (const b of r.small.botRss ?? []) {
      parts.push(
        'skipped' in b
          ? `bot process on ${b.kind}: skipped (${b.skipped})`
          : `bot process on ${b.kind} (bench/bot-rss.ts: import in its own process, then train + serve): peak RSS ${b.peakRssMb.afterServe} MB (open ${b.peakRssMb.afterOpen}, after training ${b.peakRssMb.afterTrain}); train ${b.trainSeconds} s; /recommend p50 / p95 / p99 ${b.recommendMs.p50} / ${b.recommendMs.p95} / ${b.recommendMs.p99} ms`,
      );
    }
  }
  if (r.scale.length) {
    parts.push(
      '',
      'scale-up on generated MovieLens-25M-shaped data (model in memory; latency p50 / p95 / p99 in ms):',
      table(
        ['ratings', 'users', 'movies', 'generate s', 'train s', 'recommend', 'similar', 'peak RSS MB'],
        r.scale.map((s) =>
          'skipped' in s
            ? [String(s.targetRatings), `skipped: ${s.skipped}`, '', '', '', '', '', '']
            : [
                String(s.shape.ratings),
                String(s.shape.users),
                String(s.shape.items),
                String(s.generateSeconds),
                String(s.trainSeconds),
                lat(s.recommendMs),
                lat(s.similarMs),
                String(s.peakRssMb),
              ],
        ),
      ),
    );
  }
  if (r.targets.length) {
    parts.push(
      '',
      'targets:',
      table(
        ['target', 'goal', 'measured', 'met'],
        r.targets.map((t) => [t.name, t.target, t.measured, t.ok === null ? 'n/a' : t.ok ? 'yes' : 'NO']),
      ),
    );
  }
  parts.push('', `total ${r.totalSeconds} s`);
  return parts.join('\n');
}
