import { activitySeries } from './charts.ts';
import { totalsPhrase } from './totals.ts';
import type { CommunityStats } from './types.ts';

/** Lines per list in the text summary (chat messages stay short). */
const LIST_LINES = 5;

const film = (f: { title: string; year: number | null }) => (f.year ? `${f.title} (${f.year})` : f.title);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * The stats as a short text: plain for the terminal, or light markdown (`**bold**`) for a chat reply
 * where the chart image carries the detail.
 */
export function formatStatsText(stats: CommunityStats, options: { markdown?: boolean } = {}): string {
  const b = (s: string) => (options.markdown ? `**${s}**` : s);
  const t = stats.totals;
  const lines: string[] = [];
  lines.push(
    `${b('movierec insights')}${stats.tenant ? ` (${stats.tenant})` : ''}: ${totalsPhrase(t)}` +
      (t.meanRating === null ? '.' : `, mean ${t.meanRating.toFixed(2)}★.`),
  );
  if (t.ratings === 0) {
    lines.push('No ratings yet.');
    return lines.join('\n');
  }
  const series = activitySeries(stats);
  const busiest = [...series].sort((a, b2) => b2.count - a.count)[0];
  const busiestDay = [...stats.ratingsPerDay].sort((a, b2) => b2.count - a.count)[0];
  lines.push(
    `${b('Activity')}: ${stats.ratingsPerDay.length} active days from ${t.firstDay} to ${t.lastDay}; ` +
      `busiest day ${busiestDay?.day} (${busiestDay?.count})` +
      (busiest?.unit === 'month' ? `, busiest month ${busiest.period.slice(0, 7)} (${busiest.count}).` : '.'),
  );
  const dist = stats.ratingDistribution.filter((d) => d.count > 0).map((d) => `${d.rating}★ ${d.count}`);
  lines.push(`${b('Stars')}: ${dist.join(' · ')}`);
  lines.push(b('Most rated:'));
  for (const [i, f] of stats.mostRated.slice(0, LIST_LINES).entries()) {
    lines.push(`  ${i + 1}. ${film(f)} — ${f.count} ratings, mean ${f.mean.toFixed(2)}`);
  }
  lines.push(b('Best rated (Bayesian):'));
  for (const [i, f] of stats.bestRated.slice(0, LIST_LINES).entries()) {
    lines.push(
      `  ${i + 1}. ${film(f)} — ${f.bayesian.toFixed(2)} (${f.count} ratings, mean ${f.mean.toFixed(2)})`,
    );
  }
  lines.push(
    `${b('Genre mix')}: ${stats.genreMix
      .slice(0, 8)
      .map((g) => `${g.genre} ${pct(g.share)}`)
      .join(', ')}`,
  );
  lines.push(
    `${b('Most active')}: ${stats.mostActiveRaters
      .slice(0, LIST_LINES)
      .map((r) => `${r.name} (${r.count})`)
      .join(', ')}`,
  );
  const a = stats.acceptance;
  lines.push(
    a.rate === null
      ? `${b('Recommendations')}: none logged yet.`
      : `${b('Recommendation acceptance')}: ${pct(a.rate)} — ${a.accepted} of ${a.recommended} recommended films later rated ≥ 4★` +
          ` (${a.rated} rated at all).`,
  );
  return lines.join('\n');
}
