import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { dashboardSpec, renderSvg } from './charts.ts';
import type { CommunityStats } from './types.ts';

/** Discord's smallest upload limit is 8 MB (Slack allows far more); stay well under it. */
export const PNG_MAX_BYTES = 1_000_000;
/** Pixel width of the chat image: sharp on high-density screens, small enough to stay under the limit. */
export const PNG_WIDTH = 1800;
/** Fallback widths tried, in order, if an unusually busy chart would not fit the byte budget. */
const FALLBACK_WIDTHS = [1400, 1000, 700];
export const PNG_FONT_FAMILY = 'DejaVu Sans';

/**
 * DejaVu Sans shipped as an npm dependency, so chart text renders on hosts without fonts (slim
 * containers); system fonts still load as fallbacks for scripts DejaVu lacks.
 */
export function bundledFontFiles(): string[] {
  try {
    const dir = path.join(
      path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')),
      'ttf',
    );
    return ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']
      .map((f) => path.join(dir, f))
      .filter((f) => existsSync(f));
  } catch {
    return [];
  }
}

/**
 * The stats chart image `/stats` attaches: a 2×2 dashboard rendered from SVG to PNG by resvg (a Rust
 * renderer shipped as a prebuilt binary inside the npm package: no browser, no download at install).
 */
export async function renderStatsPng(stats: CommunityStats): Promise<Uint8Array> {
  const svg = await renderSvg(dashboardSpec(stats));
  const { Resvg } = await import('@resvg/resvg-js');
  const fontFiles = bundledFontFiles();
  let png: Uint8Array | undefined;
  for (const width of [PNG_WIDTH, ...FALLBACK_WIDTHS]) {
    const rendered = new Resvg(svg, {
      fitTo: { mode: 'width', value: width },
      background: 'white',
      font: {
        fontFiles,
        loadSystemFonts: true,
        defaultFontFamily: PNG_FONT_FAMILY,
        sansSerifFamily: PNG_FONT_FAMILY,
      },
    }).render();
    png = new Uint8Array(rendered.asPng());
    if (png.byteLength <= PNG_MAX_BYTES) break;
  }
  return png!;
}

/** Alt text for the image, for screen readers and platforms that show it. */
export function statsPngAlt(stats: CommunityStats): string {
  const top = stats.bestRated[0];
  return (
    `Charts of ${stats.totals.ratings} ratings by ${stats.totals.raters} people: ratings over time, ` +
    `the star distribution, the genre mix and the best-rated films` +
    (top ? ` (top: ${top.title})` : '') +
    '.'
  );
}
