/**
 * Lowers the CPU priority of the calling thread (Linux: `nice` is per thread). Imports are background
 * work: while an import worker reads a 5 MB file, the bot's own thread and the database serve other
 * users' requests first (issue 16: ten imports at once must not slow everyone's lists), and the import
 * still gets every cycle nobody else wants. Elsewhere (or if the kernel refuses) it does nothing.
 */
import fs from 'node:fs';
import os from 'node:os';

/** The nice value of an import worker thread: 0 is normal, 19 the lowest priority. */
export const IMPORT_THREAD_NICE = 10;

/**
 * Sets the calling thread's nice value; returns it as read back, or undefined when it could not be
 * set. `/proc/thread-self` names the calling thread's task (its kernel thread id), and setpriority on a
 * thread id changes that thread alone, not the process.
 */
export function lowerThisThreadPriority(nice = IMPORT_THREAD_NICE): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return undefined;
    os.setPriority(tid, Math.max(os.getPriority(tid), nice));
    return os.getPriority(tid);
  } catch {
    return undefined;
  }
}
