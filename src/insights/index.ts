export { buildSections, dashboardSpec, renderSvg, type StatsSection } from './charts.ts';
export { ACCEPTED_MIN_STARS, BAYES_PRIOR_RATINGS, computeStats } from './compute.ts';
export { renderStatsHtml } from './html.ts';
export { PNG_MAX_BYTES, renderStatsPng, statsPngAlt } from './png.ts';
export { buildStatsReply } from './reply.ts';
export { formatStatsText } from './text.ts';
export type * from './types.ts';
