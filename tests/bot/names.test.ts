import { describe, expect, it } from 'vitest';
import { allOfYou, plural } from '../../src/bot/names.ts';
import { popularityLine } from '../../src/bot/render.ts';

/** Issue 13 item 15: "1 ratings", "1 raters", "all 2 of you" are gone from what people read. */
describe('words for counts and groups', () => {
  it('says one rating, 2 ratings and 1,200 ratings', () => {
    expect(plural(1, 'rating')).toBe('1 rating');
    expect(plural(2, 'rating')).toBe('2 ratings');
    expect(plural(1200, 'rating')).toBe('1,200 ratings');
    expect(plural(1, 'person', 'people')).toBe('1 person');
    expect(plural(3, 'person', 'people')).toBe('3 people');
  });

  it('addresses two people as "both of you", never "all 2 of you"', () => {
    expect([1, 2, 3].map(allOfYou)).toEqual(['you', 'both of you', 'all 3 of you']);
  });

  it('a card with one rating says so in the singular', () => {
    const line = popularityLine({ ratingCount: 1, ratingMean: 4 } as Parameters<typeof popularityLine>[0]);
    expect(line).toContain('from 1 rating');
    expect(line).not.toMatch(/\b1 ratings\b/);
  });
});
