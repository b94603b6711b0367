import { spawn } from 'node:child_process';

/**
 * Runs a benchmark step in its own Node process (through tsx, or plain Node for a `.mjs` file such as
 * a bundled step) and parses the JSON line it prints last. Isolation gives each step its own peak RSS and keeps a step that runs out of memory or time
 * from taking the whole benchmark down; the step is killed when `timeoutMs` passes.
 */
export function runChild<T>(
  file: string,
  args: string[],
  options: { timeoutMs: number; heapMb?: number; env?: Record<string, string> },
): Promise<{ ok: true; value: T } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    const node = options.heapMb ? [`--max-old-space-size=${options.heapMb}`] : [];
    const loader = file.endsWith('.mjs') ? [] : ['--import', 'tsx'];
    const child = spawn(process.execPath, [...node, ...loader, file, ...args], {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
      // Pass progress lines through, so a long step is not silent.
      if (String(d).startsWith('bench:')) process.stderr.write(d);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        try {
          resolve({ ok: true, value: JSON.parse(out.trim().split('\n').at(-1)!) as T });
          return;
        } catch {}
      }
      const why =
        signal === 'SIGKILL'
          ? `over its ${Math.round(options.timeoutMs / 1000)} s budget`
          : `exit ${code ?? signal}`;
      const tail = err
        .trim()
        .split('\n')
        .filter((l) => !l.startsWith('bench:'))
        .slice(-3)
        .join(' | ')
        .slice(0, 400);
      resolve({ ok: false, reason: tail ? `${why}: ${tail}` : why });
    });
  });
}
