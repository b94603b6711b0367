import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatStatsText, PNG_MAX_BYTES, renderStatsHtml, renderStatsPng } from '../../src/insights/index.ts';
import { bundledFontFiles, PNG_WIDTH } from '../../src/insights/png.ts';
import { fixtureStats } from './fixture-stats.ts';
import { pngHeader } from './png-header.ts';

describe('renderStatsPng', () => {
  it('is a valid PNG of the intended width, under the chat size budget', async () => {
    const png = await renderStatsPng(fixtureStats());
    const { width, height } = pngHeader(png);
    expect(width).toBe(PNG_WIDTH);
    expect(height).toBeGreaterThan(300);
    expect(png.byteLength).toBeLessThan(PNG_MAX_BYTES);
  });

  it('renders an empty community too', async () => {
    const empty = fixtureStats(0);
    empty.mostRated = [];
    empty.bestRated = [];
    empty.genreMix = [];
    const { width } = pngHeader(await renderStatsPng(empty));
    expect(width).toBe(PNG_WIDTH);
  });
});

describe('renderStatsHtml', () => {
  it('has one inline SVG chart per section, escapes titles, and references nothing outside itself', async () => {
    const html = await renderStatsHtml(fixtureStats());
    const sections = html.match(/<section\b/g) ?? [];
    expect(sections).toHaveLength(7);
    for (const section of html.split(/<section\b/).slice(1)) {
      expect(section.match(/<svg\b/g)).toHaveLength(1);
    }
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b|<img\b|<iframe\b|@import/i);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).toContain('&lt;script&gt;alert');
  });

  it('uses monthly totals for a long history and days for a short one', async () => {
    expect(await renderStatsHtml(fixtureStats(400))).toContain('Ratings per day (monthly totals)');
    const short = await renderStatsHtml(fixtureStats(30));
    expect(short).toContain('<h2>Ratings per day</h2>');
  });
});

describe('formatStatsText', () => {
  it('summarises totals, lists and acceptance; markdown only when asked', () => {
    const stats = fixtureStats(30);
    const text = formatStatsText(stats);
    expect(text).toContain(`${stats.totals.ratings.toLocaleString('en')} ratings by 42 raters`);
    expect(text).toContain('1. <script>alert("x")</script> & "Friends" (1980) — 300 ratings');
    expect(text).toContain('37.5% — 15 of 40 recommended films');
    expect(text).not.toContain('**');
    expect(formatStatsText(stats, { markdown: true })).toContain('**Most rated:**');
  });
});

describe('bundled chart font', () => {
  it('draws text with the npm-shipped DejaVu Sans even where the host has no fonts', async () => {
    const files = bundledFontFiles();
    expect(files.map((f) => path.basename(f))).toEqual(['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']);
    const { Resvg } = await import('@resvg/resvg-js');
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><rect width="200" height="40" fill="white"/>' +
      '<text x="5" y="30" font-family="DejaVu Sans" font-size="24" fill="black">Heat 1995</text></svg>';
    const inkedPixels = (fontFiles: string[]) => {
      const { pixels } = new Resvg(svg, { font: { fontFiles, loadSystemFonts: false } }).render();
      let dark = 0;
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i]! < 128) dark++;
      return dark;
    };
    expect(inkedPixels([])).toBe(0);
    expect(inkedPixels(files)).toBeGreaterThan(100);
  });

  it('says "1 rating by 1 rater", not "1 ratings by 1 raters", in the text and the HTML page', async () => {
    const stats = fixtureStats(1);
    stats.totals = { ...stats.totals, ratings: 1, raters: 1, ratedMovies: 1, catalogMovies: 1 };
    expect(formatStatsText(stats)).toContain('1 rating by 1 rater on 1 of 1 film');
    expect(await renderStatsHtml(stats)).toContain('1 rating by 1 rater on 1 of 1 film');
  });
});
