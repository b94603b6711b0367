/**
 * Training profile at one scale point: `node --max-old-space-size=14000 --import tsx
 * bench/scale-profile.ts <ratings> [serial|parallel]` prints each component's seconds, the total wall
 * and process CPU seconds (all threads) and peak RSS.
 */
import { trainHybridStateParallel } from '../src/recommend/parallel/train-parallel.ts';
import { trainHybridState } from '../src/recommend/train.ts';
import { columnarDataset } from './scale.ts';
import { generateRatings } from './synthetic.ts';

const ratings = Number(process.argv[2] ?? 2_000_000);
const mode = process.argv[3] ?? 'parallel';
const input = columnarDataset(generateRatings(ratings, 42));
const onProgress = (c: string, s: number) => console.log(c, s.toFixed(1));
const cpu0 = process.cpuUsage();
const t0 = performance.now();
if (mode === 'serial') trainHybridState(input, { onProgress });
else await trainHybridStateParallel(input, { onProgress });
const cpu = process.cpuUsage(cpu0);
console.log(
  'total',
  ((performance.now() - t0) / 1000).toFixed(1),
  'cpu',
  ((cpu.user + cpu.system) / 1e6).toFixed(1),
  'peak rss MB',
  Math.round(process.resourceUsage().maxRSS / 1024),
);
