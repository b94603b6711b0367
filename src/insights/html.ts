import { buildSections, renderSvg, type StatsSection } from './charts.ts';
import { totalsPhrase } from './totals.ts';
import type { CommunityStats } from './types.ts';

/** Rows shown under each chart in the report's tables. */
const TABLE_ROWS = 10;

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Inline SVG in HTML5 needs no namespace declarations; dropping them leaves the report without a
 * single URL, so nothing can be fetched when it is opened.
 */
function inlineSvg(svg: string, label: string): string {
  return svg
    .replace(/\s+xmlns(:xlink)?="[^"]*"/g, '')
    .replace(/^<svg/, `<svg role="img" aria-label="${escapeHtml(label)}"`);
}

function table(headers: string[], rows: (string | number)[][]): string {
  if (rows.length === 0) return '';
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .slice(0, TABLE_ROWS)
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(String(c))}</td>`).join('')}</tr>`)
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const film = (f: { title: string; year: number | null }) => (f.year ? `${f.title} (${f.year})` : f.title);

function sectionTable(section: StatsSection, stats: CommunityStats): string {
  switch (section.id) {
    case 'most-rated':
      return table(
        ['Film', 'Ratings', 'Mean'],
        stats.mostRated.map((f) => [film(f), f.count, f.mean.toFixed(2)]),
      );
    case 'best-rated':
      return table(
        ['Film', 'Bayesian', 'Mean', 'Ratings'],
        stats.bestRated.map((f) => [film(f), f.bayesian.toFixed(2), f.mean.toFixed(2), f.count]),
      );
    case 'raters':
      return table(
        ['Rater', 'Ratings', 'Mean'],
        stats.mostActiveRaters.map((r) => [r.name, r.count, r.mean.toFixed(2)]),
      );
    case 'acceptance':
      return table(
        ['Model', 'Recommended', 'Rated later', 'Rated ≥ 4★', 'Acceptance'],
        stats.acceptance.byModel.map((m) => [
          m.model,
          m.recommended,
          m.rated,
          m.accepted,
          m.rate === null ? '—' : `${(m.rate * 100).toFixed(1)}%`,
        ]),
      );
    default:
      return '';
  }
}

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; margin: 2rem auto; max-width: 900px; color: #222; padding: 0 1rem; }
header p { color: #555; }
section { margin: 2.5rem 0; }
table { border-collapse: collapse; margin-top: 0.75rem; font-size: 0.9rem; }
th, td { padding: 0.25rem 0.75rem; border-bottom: 1px solid #ddd; text-align: left; }
td:not(:first-child), th:not(:first-child) { text-align: right; }
svg { max-width: 100%; height: auto; }
`;

/**
 * A self-contained HTML report: one section per insight, each with an inline SVG chart (no scripts,
 * no external stylesheets, fonts or images), plus tables for the top lists.
 */
export async function renderStatsHtml(stats: CommunityStats): Promise<string> {
  const sections = buildSections(stats);
  const charts = await Promise.all(sections.map((s) => renderSvg(s.spec)));
  const body = sections
    .map(
      (s, i) => `<section id="${s.id}">
<h2>${escapeHtml(s.title)}</h2>
<p>${escapeHtml(s.description)}</p>
${inlineSvg(charts[i]!, s.title)}
${sectionTable(s, stats)}
</section>`,
    )
    .join('\n');
  const scope = stats.tenant ? ` for ${stats.tenant}` : '';
  const t = stats.totals;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>movierec insights${escapeHtml(scope)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>movierec insights${escapeHtml(scope)}</h1>
<p>${totalsPhrase(t)} · generated ${escapeHtml(stats.generatedAt)}</p>
</header>
${body}
</body>
</html>
`;
}
