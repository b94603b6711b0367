import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../../db/client.ts';
import { computeStats, formatStatsText, renderStatsHtml, renderStatsPng } from '../../insights/index.ts';

interface StatsOptions {
  html?: string;
  png?: string;
  tenant?: string;
  json?: boolean;
}

/** `movierec stats [--html report.html] [--png chart.png] [--tenant id] [--json]`. */
export async function run(cmd: Command): Promise<void> {
  const opts = cmd.opts<StatsOptions>();
  const config = loadConfig();
  const handle = await openDatabase({ url: config.databaseUrl, home: config.home });
  try {
    await handle.migrate();
    const stats = await computeStats(handle.db, { tenant: opts.tenant ?? null });
    process.stdout.write(opts.json ? `${JSON.stringify(stats)}\n` : `${formatStatsText(stats)}\n`);
    // Written files are announced on stderr so `--json` output stays a single JSON document.
    if (opts.html) {
      await writeFile(opts.html, await renderStatsHtml(stats), 'utf8');
      process.stderr.write(`wrote ${path.resolve(opts.html)}\n`);
    }
    if (opts.png) {
      const png = await renderStatsPng(stats);
      await writeFile(opts.png, png);
      process.stderr.write(`wrote ${path.resolve(opts.png)} (${png.byteLength} bytes)\n`);
    }
  } finally {
    await handle.close();
  }
}
