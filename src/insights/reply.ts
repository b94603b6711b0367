import type { Reply } from '../bot/types.ts';
import type { Database } from '../db/client.ts';
import { computeStats } from './compute.ts';
import { renderStatsPng, statsPngAlt } from './png.ts';
import { formatStatsText } from './text.ts';

/**
 * The `/stats` answer for a chat platform: a markdown summary with the chart PNG attached, for one
 * tenant (guild / team). Admin checks are the caller's business. When the chart cannot be drawn the
 * summary still goes out, without the image.
 */
export async function buildStatsReply(
  db: Database,
  options: { tenant?: string | null; onChartError?: (error: unknown) => void } = {},
): Promise<Reply> {
  const stats = await computeStats(db, { tenant: options.tenant ?? null });
  const text = formatStatsText(stats, { markdown: true });
  let image: Reply['image'];
  if (stats.totals.ratings > 0) {
    try {
      image = { name: 'movierec-stats.png', png: await renderStatsPng(stats), alt: statsPngAlt(stats) };
    } catch (error) {
      options.onChartError?.(error);
    }
  }
  return { text, image, data: { totals: stats.totals, acceptance: stats.acceptance } };
}
