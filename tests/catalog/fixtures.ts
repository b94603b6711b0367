import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Files of a small MovieLens-layout directory, by name; `undefined` leaves a file out. */
export type MovieLensFixture = Partial<
  Record<'movies.csv' | 'ratings.csv' | 'tags.csv' | 'links.csv' | 'README.txt', string>
>;

export const SMALL_MOVIES = [
  'movieId,title,genres',
  '1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy',
  '2,"Matrix, The (1999)",Action|Sci-Fi|Thriller',
  '3,"City of Lost Children, The (Cité des enfants perdus, La) (1995)",Adventure|Drama|Fantasy|Mystery|Sci-Fi',
  '4,Babylon 5,Sci-Fi',
  '5,Death Note: Desu nôto (2006–2007),(no genres listed)',
  '6,From Dusk Till Dawn 2: Texas Blood Money (1999) ,Comedy|Crime|Horror',
].join('\n');

export const SMALL_RATINGS = [
  'userId,movieId,rating,timestamp',
  '1,1,4.0,964982703',
  '1,2,5.0,964981247',
  '1,3,3.5,964982224',
  '2,1,2.5,1445714994',
  '2,2,4.5,1445714995',
  '3,6,0.5,1445714996',
].join('\n');

export const SMALL_TAGS = [
  'userId,movieId,tag,timestamp',
  '1,2,cyberpunk,1445714994',
  '2,2,Cyberpunk,1445714995',
  '2,2,"philosophy, sort of",1445714996',
  '3,1,pixar,1445714997',
].join('\n');

export const SMALL_LINKS = [
  'movieId,imdbId,tmdbId',
  '1,0114709,862',
  '2,0133093,603',
  '3,0112682,902',
  '4,0105946,',
  '5,0877057,13916',
  '6,0120635,10576',
].join('\n');

export const SMALL_DATASET: MovieLensFixture = {
  'movies.csv': SMALL_MOVIES,
  'ratings.csv': SMALL_RATINGS,
  'tags.csv': SMALL_TAGS,
  'links.csv': SMALL_LINKS,
};

const created: string[] = [];

/** Writes the given files into a fresh temporary directory and returns its path. */
export function writeMovieLensDir(files: MovieLensFixture): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'movierec-ml-'));
  created.push(dir);
  for (const [name, content] of Object.entries(files)) {
    if (content !== undefined) fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** Removes every directory {@link writeMovieLensDir} made. */
export function removeFixtureDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}
