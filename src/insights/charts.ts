import type { TopLevelSpec } from 'vega-lite';
import type { CommunityStats, FilmStat } from './types.ts';

/** Beyond this many days of history the activity chart shows monthly totals (a bar per day is noise). */
export const MAX_DAILY_POINTS = 120;
const CHART_WIDTH = 460;
const BAR_STEP = 18;
const FONT = 'DejaVu Sans, Verdana, sans-serif';
const COLOR = '#4c78a8';

export type SectionId =
  | 'activity'
  | 'distribution'
  | 'most-rated'
  | 'best-rated'
  | 'genres'
  | 'raters'
  | 'acceptance';

/** One report section: a heading, a one-line explanation and its chart. */
export interface StatsSection {
  id: SectionId;
  title: string;
  description: string;
  spec: TopLevelSpec;
}

/** Daily counts, or monthly totals when the history is long. */
export function activitySeries(
  stats: CommunityStats,
): { period: string; count: number; unit: 'day' | 'month' }[] {
  if (stats.ratingsPerDay.length <= MAX_DAILY_POINTS) {
    return stats.ratingsPerDay.map((d) => ({ period: d.day, count: d.count, unit: 'day' as const }));
  }
  const months = new Map<string, number>();
  for (const d of stats.ratingsPerDay) {
    const month = `${d.day.slice(0, 7)}-01`;
    months.set(month, (months.get(month) ?? 0) + d.count);
  }
  return [...months].map(([period, count]) => ({ period, count, unit: 'month' as const }));
}

/** "Heat (1995)", made unique when two films share title and year (a nominal axis would merge them). */
function filmLabels(films: FilmStat[]): string[] {
  const seen = new Map<string, number>();
  return films.map((f) => {
    const base = f.year ? `${f.title} (${f.year})` : f.title;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base} #${n}`;
  });
}

const base = { config: { font: FONT, background: 'white', view: { stroke: null } } } as const;

function horizontalBars(
  values: { label: string; value: number }[],
  xTitle: string,
  format: string,
  domain?: [number, number],
): TopLevelSpec {
  return {
    ...base,
    width: CHART_WIDTH,
    height: { step: BAR_STEP },
    data: { values },
    mark: { type: 'bar', color: COLOR },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelLimit: 260 } },
      x: {
        field: 'value',
        type: 'quantitative',
        title: xTitle,
        axis: { format },
        ...(domain ? { scale: { domain } } : {}),
      },
      tooltip: [
        { field: 'label', type: 'nominal' },
        { field: 'value', type: 'quantitative', format },
      ],
    },
  } as TopLevelSpec;
}

/** The report's sections in order, each with a Vega-Lite spec holding its data inline. */
export function buildSections(stats: CommunityStats): StatsSection[] {
  const series = activitySeries(stats);
  const monthly = series[0]?.unit === 'month';
  const acceptanceRows = stats.acceptance.byModel.flatMap((m) => [
    { model: m.model, outcome: `rated ≥ 4★`, count: m.accepted },
    { model: m.model, outcome: 'rated below 4★', count: m.rated - m.accepted },
    { model: m.model, outcome: 'not rated (yet)', count: m.recommended - m.rated },
  ]);
  return [
    {
      id: 'activity',
      title: monthly ? 'Ratings per day (monthly totals)' : 'Ratings per day',
      description: `${stats.totals.ratings} ratings from ${stats.totals.firstDay ?? '—'} to ${stats.totals.lastDay ?? '—'}.`,
      spec: {
        ...base,
        width: CHART_WIDTH,
        height: 180,
        data: { values: series },
        mark: { type: 'bar', color: COLOR },
        encoding: {
          x: {
            field: 'period',
            type: 'temporal',
            timeUnit: monthly ? 'yearmonth' : 'yearmonthdate',
            title: null,
          },
          y: { field: 'count', type: 'quantitative', title: monthly ? 'ratings per month' : 'ratings' },
          tooltip: [
            { field: 'period', type: 'temporal', timeUnit: monthly ? 'yearmonth' : 'yearmonthdate' },
            { field: 'count', type: 'quantitative' },
          ],
        },
      } as TopLevelSpec,
    },
    {
      id: 'distribution',
      title: 'Rating distribution',
      description: `Mean ${stats.totals.meanRating?.toFixed(2) ?? '—'}★ over ${stats.totals.ratings} ratings.`,
      spec: {
        ...base,
        width: CHART_WIDTH,
        height: 180,
        data: { values: stats.ratingDistribution },
        mark: { type: 'bar', color: COLOR },
        encoding: {
          x: { field: 'rating', type: 'ordinal', title: 'stars', axis: { labelAngle: 0 } },
          y: { field: 'count', type: 'quantitative', title: 'ratings' },
          tooltip: [{ field: 'rating' }, { field: 'count', type: 'quantitative' }],
        },
      } as TopLevelSpec,
    },
    {
      id: 'most-rated',
      title: 'Most-rated films',
      description: 'Films with the most ratings.',
      spec: horizontalBars(
        filmLabels(stats.mostRated).map((label, i) => ({ label, value: stats.mostRated[i]!.count })),
        'ratings',
        'd',
      ),
    },
    {
      id: 'best-rated',
      title: 'Best-rated films',
      description:
        'Bayesian average: each film\u2019s mean pulled towards the community mean by 10 virtual ratings.',
      spec: horizontalBars(
        filmLabels(stats.bestRated).map((label, i) => ({ label, value: stats.bestRated[i]!.bayesian })),
        'Bayesian average (stars)',
        '.2f',
        [0, 5],
      ),
    },
    {
      id: 'genres',
      title: 'Genre mix',
      description: 'Share of ratings given to films of each genre (a film counts once per genre).',
      spec: horizontalBars(
        stats.genreMix.map((g) => ({ label: g.genre, value: g.share })),
        'share of ratings',
        '.0%',
      ),
    },
    {
      id: 'raters',
      title: 'Most active raters',
      description: `${stats.totals.raters} people rated at least one film.`,
      spec: horizontalBars(
        stats.mostActiveRaters.map((r) => ({ label: r.name, value: r.count })),
        'ratings',
        'd',
      ),
    },
    {
      id: 'acceptance',
      title: 'Recommendation acceptance',
      description:
        stats.acceptance.rate === null
          ? 'No recommendations logged yet.'
          : `${(stats.acceptance.rate * 100).toFixed(1)}% of ${stats.acceptance.recommended} recommended films were later rated 4★ or more.`,
      spec: {
        ...base,
        width: CHART_WIDTH,
        height: { step: 28 },
        data: { values: acceptanceRows },
        mark: 'bar',
        encoding: {
          y: { field: 'model', type: 'nominal', title: null },
          x: {
            field: 'count',
            type: 'quantitative',
            stack: 'normalize',
            title: 'share of recommendations',
            axis: { format: '.0%' },
          },
          color: {
            field: 'outcome',
            type: 'nominal',
            title: null,
            scale: {
              domain: ['rated ≥ 4★', 'rated below 4★', 'not rated (yet)'],
              range: ['#54a24b', '#e45756', '#bab0ac'],
            },
            legend: { orient: 'bottom' },
          },
          tooltip: [{ field: 'model' }, { field: 'outcome' }, { field: 'count', type: 'quantitative' }],
        },
      } as TopLevelSpec,
    },
  ];
}

/**
 * Renders a Vega-Lite spec to SVG in-process: no browser, no canvas, nothing downloaded. vega and
 * vega-lite are imported on first use so commands that never draw do not load them.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The chart image for chat platforms: activity, distribution, genre mix and best-rated in a 2×2 grid. */
export function dashboardSpec(stats: CommunityStats): TopLevelSpec {
  const byId = new Map(buildSections(stats).map((s) => [s.id, s]));
  const panel = (id: SectionId) => {
    const { config: _config, ...spec } = byId.get(id)!.spec as unknown as Record<string, unknown>;
    return { ...spec, title: byId.get(id)!.title };
  };
  const scope = stats.tenant ? ` · ${stats.tenant}` : '';
  return {
    ...base,
    title: {
      text: `movierec insights${scope}`,
      subtitle: `${stats.totals.ratings} ratings · ${stats.totals.raters} raters · ${stats.totals.ratedMovies} films rated`,
      fontSize: 18,
    },
    vconcat: [
      { hconcat: [panel('activity'), panel('distribution')] },
      { hconcat: [panel('genres'), panel('best-rated')] },
    ],
  } as TopLevelSpec;
}
