/**
 * Matching one catalog's titles to another's (the starter catalog to MovieLens), where the same film is
 * spelled differently: "Se7en" / "Seven (a.k.a. Se7en)", "Kill Bill: Volume 1" / "Kill Bill: Vol. 1",
 * "Raiders of the Lost Ark" / "Raiders of the Lost Ark (Indiana Jones and the Raiders of the Lost Ark)".
 */

export interface TitledRow {
  id: number;
  title: string;
  year: number | null;
}

/** Release years of the same film differ by one between sources (festival vs. wide release). */
const YEAR_TOLERANCE = 1;

const LEADING_ARTICLE = /^(the|a|an|les|la|le|l|il|el|das|der|die) /;

/** Lowercase, no accents or punctuation, "&" as "and", "vol." as "volume", no leading article. */
export function titleKey(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/\bvol\b\.?/g, 'volume')
    .replace(/\bpt\b\.?/g, 'part')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .replace(LEADING_ARTICLE, '');
}

/** The keys a title is known by: the whole title, the title without parentheses, and each alternate. */
export function titleKeys(title: string): string[] {
  const keys = new Set<string>([titleKey(title)]);
  const main = title.replace(/\s*\([^()]*\)/g, '').trim();
  if (main !== '') keys.add(titleKey(main));
  for (const [, inner] of title.matchAll(/\(([^()]*)\)/g)) {
    const alternate = inner!.replace(/^(a\.k\.a\.|aka)\s+/i, '').trim();
    if (alternate !== '') keys.add(titleKey(alternate));
  }
  keys.delete('');
  return [...keys];
}

/**
 * Pairs each row of `targets` with at most one row of `candidates` (and each candidate with at most one
 * target) that shares a title key and has the same year, or failing that a year one off. Rows without a
 * year are never matched: a title alone is too weak. Returns target id → candidate id.
 */
export function matchByTitleAndYear(
  targets: readonly TitledRow[],
  candidates: readonly TitledRow[],
): Map<number, number> {
  const index = new Map<string, TitledRow[]>();
  for (const c of candidates) {
    if (c.year === null) continue;
    for (const key of titleKeys(c.title)) {
      const list = index.get(key);
      if (list) list.push(c);
      else index.set(key, [c]);
    }
  }
  const matches = new Map<number, number>();
  const taken = new Set<number>();
  for (let tolerance = 0; tolerance <= YEAR_TOLERANCE; tolerance++) {
    for (const target of targets) {
      if (target.year === null || matches.has(target.id)) continue;
      const found = titleKeys(target.title)
        .flatMap((key) => index.get(key) ?? [])
        .filter((c) => !taken.has(c.id) && Math.abs(c.year! - target.year!) === tolerance)
        .sort((a, b) => a.id - b.id)[0];
      if (found) {
        matches.set(target.id, found.id);
        taken.add(found.id);
      }
    }
  }
  return matches;
}
