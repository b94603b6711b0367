import fs from 'node:fs';
import os from 'node:os';
import postgres from 'postgres';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  platform: string;
  /** 1-minute load average when the run started: other work on the machine skews every figure. */
  loadAverageAtStart: number;
  postgres?: string;
}

/** Describes the machine the figures come from. */
export async function describeMachine(serverUrl: string | undefined): Promise<MachineInfo> {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    const line = fs
      .readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) cpuModel = line.split(':')[1]!.trim();
  } catch {}
  const info: MachineInfo = {
    cpus: os.availableParallelism(),
    cpuModel,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverageAtStart: Math.round(os.loadavg()[0]! * 100) / 100,
  };
  if (serverUrl) {
    const sql = postgres(serverUrl, { max: 1, connect_timeout: 3, onnotice: () => {} });
    try {
      const [row] = await sql<{ v: string }[]>`select current_setting('server_version') as v`;
      info.postgres = row?.v;
    } catch {
    } finally {
      await sql.end({ timeout: 1 }).catch(() => {});
    }
  }
  return info;
}
