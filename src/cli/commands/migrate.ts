import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../../db/client.ts';

export async function run(_cmd: Command): Promise<void> {
  const config = loadConfig();
  const handle = await openDatabase({ url: config.databaseUrl, home: config.home });
  try {
    await handle.migrate();
    process.stdout.write(`migrations applied (${handle.kind})\n`);
  } finally {
    await handle.close();
  }
}
