import cliProgress from 'cli-progress';

export interface ProgressBar<P extends object> {
  /** Starts the bar on the first call, then moves it. */
  update(done: number, total: number, payload?: P): void;
  stop(): void;
}

/**
 * A progress bar on stderr (stdout stays for the result). Off a terminal it prints a line every 5 s,
 * so a log file gets progress without a redraw per item.
 */
export function stderrProgressBar<P extends object = Record<string, never>>(format: string): ProgressBar<P> {
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format, hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, payload) {
      if (!started) {
        bar.start(total, done, payload);
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, payload);
      }
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
