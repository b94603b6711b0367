import { addToProfile, type ContentProfile, type ContentState, scoreProfile } from './content.ts';
import { personKey } from './text.ts';
import type { ItemMeta, Steering } from './types.ts';
import type { Vocabulary } from './vocab.ts';

/** Weight of each soft preference relative to the 0–1 relevance scale. */
export const STEER_WEIGHTS = { genres: 0.6, similarTo: 0.8, keywords: 0.5, people: 0.6, likedGenres: 0.15 };

/** Feature keys of the content model, looked up by name. */
export type FeatureLookup = Map<string, number>;

export function buildFeatureLookup(content: ContentState): FeatureLookup {
  const map = new Map<string, number>();
  content.features.forEach((f, i) => {
    map.set(f, i);
  });
  return map;
}

/**
 * Adds soft steering bonuses to `out` (0–1 relevance scale): share of requested genres an item has,
 * content similarity to `similarTo` movies, keyword and people matches. Returns the `similarTo`
 * items as indices, so reasons can cite them.
 */
export function applySteering(
  steer: Steering | undefined,
  likedGenres: readonly string[] | undefined,
  items: readonly ItemMeta[],
  vocab: Vocabulary,
  content: ContentState,
  lookup: FeatureLookup,
  out: Float64Array,
): number[] {
  const wanted = (steer?.genres ?? []).map((g) => g.toLowerCase());
  const liked = (likedGenres ?? []).map((g) => g.toLowerCase());
  if (wanted.length > 0 || liked.length > 0) {
    for (let i = 0; i < items.length; i++) {
      const genres = items[i]!.genres.map((g) => g.toLowerCase());
      if (wanted.length > 0) {
        const hit = wanted.filter((g) => genres.includes(g)).length;
        out[i]! += (STEER_WEIGHTS.genres * hit) / wanted.length;
      }
      if (liked.length > 0 && liked.some((g) => genres.includes(g))) out[i]! += STEER_WEIGHTS.likedGenres;
    }
  }
  const similar: number[] = [];
  for (const id of steer?.similarTo ?? []) {
    const i = vocab.indexOf(id);
    if (i >= 0) similar.push(i);
  }
  if (similar.length > 0) {
    const profile: ContentProfile = new Map();
    for (const i of similar) addToProfile(content, profile, i, 1);
    scoreProfile(content, profile, out, STEER_WEIGHTS.similarTo);
  }
  const keywordFeatures: number[] = [];
  for (const k of steer?.keywords ?? []) {
    for (const prefix of ['t:', 'w:']) {
      const f = lookup.get(prefix + k.toLowerCase());
      if (f !== undefined) keywordFeatures.push(f);
    }
  }
  addFeatureMatches(content, keywordFeatures, STEER_WEIGHTS.keywords, out);
  const peopleFeatures: number[] = [];
  for (const p of steer?.people ?? []) {
    const f = lookup.get(`p:${personKey(p)}`);
    if (f !== undefined) peopleFeatures.push(f);
  }
  // People are binary: an item with the person gets the full bonus.
  for (const f of peopleFeatures) {
    for (let k = content.colPtr[f]!; k < content.colPtr[f + 1]!; k++) {
      out[content.colIdx[k]!]! += STEER_WEIGHTS.people / peopleFeatures.length;
    }
  }
  return similar;
}

function addFeatureMatches(
  content: ContentState,
  features: number[],
  weight: number,
  out: Float64Array,
): void {
  if (features.length === 0) return;
  const acc = new Map<number, number>();
  for (const f of features) {
    for (let k = content.colPtr[f]!; k < content.colPtr[f + 1]!; k++) {
      const i = content.colIdx[k]!;
      // Any match counts a lot; stronger TF-IDF weight a little more.
      acc.set(i, (acc.get(i) ?? 0) + 0.7 + 0.3 * Math.min(1, content.colVal[k]! * 3));
    }
  }
  const unique = new Set(features).size;
  for (const [i, v] of acc) out[i]! += (weight * Math.min(unique, v)) / unique;
}
