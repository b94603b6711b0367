import { parentPort } from 'node:worker_threads';
import { runTask, type TrainTask } from './tasks.ts';

/** Answers `{ id, task }` with `{ id, result }` or `{ id, error }`. */
parentPort?.on('message', (message: { id: number; task: TrainTask }) => {
  try {
    const { result, transfer } = runTask(message.task);
    parentPort!.postMessage({ id: message.id, result }, transfer);
  } catch (error) {
    parentPort!.postMessage({ id: message.id, error: (error as Error).stack ?? String(error) });
  }
});
