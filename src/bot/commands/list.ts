import type { CommandSpec } from '../context.ts';
import compat from './compat.ts';
import forgetMe from './forget-me.ts';
import importRatings from './import.ts';
import link from './link.ts';
import more from './more.ts';
import movie from './movie.ts';
import movienight from './movienight.ts';
import notInterested from './not-interested.ts';
import onboard from './onboard.ts';
import prefs from './prefs.ts';
import profile from './profile.ts';
import rate from './rate.ts';
import recommend from './recommend.ts';
import region from './region.ts';
import search from './search.ts';
import seen from './seen.ts';
import similar from './similar.ts';
import stats from './stats.ts';
import unlink from './unlink.ts';
import vote from './vote.ts';
import watchlist from './watchlist.ts';

/** Every command but help (which lists these), in the order /help shows them. */
export const COMMAND_LIST: readonly CommandSpec[] = [
  recommend,
  more,
  rate,
  movie,
  similar,
  search,
  prefs,
  watchlist,
  seen,
  notInterested,
  profile,
  onboard,
  importRatings,
  movienight,
  vote,
  compat,
  region,
  stats,
  link,
  unlink,
  forgetMe,
];
