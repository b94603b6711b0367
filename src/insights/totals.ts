import { plural } from '../bot/names.ts';
import type { CommunityStats } from './types.ts';

/** "1 rating by 1 rater on 1 of 9 films": the one headline every stats format (text, HTML) opens with. */
export function totalsPhrase(t: CommunityStats['totals']): string {
  return `${plural(t.ratings, 'rating')} by ${plural(t.raters, 'rater')} on ${t.ratedMovies.toLocaleString('en')} of ${plural(t.catalogMovies, 'film')}`;
}
