import { type Catalog, type CatalogMovie, loadCatalog, toItemMeta } from '../catalog/catalog.ts';
import type { Database } from '../db/client.ts';
import { createTitleIndex, type TitleIndex } from '../nlp/title-index.ts';
import type { ItemMeta } from '../recommend/types.ts';

/** The catalog as the core reads it: movies by id, item metadata for the engine, a title index. */
export interface CatalogView {
  catalog: Catalog;
  items: ItemMeta[];
  index: TitleIndex;
  movie(id: number): CatalogMovie | undefined;
}

/** Loads the catalog once and again after {@link CatalogSource.changed} (an import). */
export interface CatalogSource {
  current(): Promise<CatalogView>;
  changed(): void;
}

/** Builds a view over an already loaded catalog. */
export function createCatalogView(catalog: Catalog): CatalogView {
  const index = createTitleIndex(
    catalog.list.map((m) => ({
      id: m.id,
      title: m.title,
      year: m.year,
      popularity: m.popularity,
      genres: m.genres,
      directors: m.directors,
      cast: m.cast,
      writers: m.writers,
    })),
  );
  return { catalog, items: catalog.list.map(toItemMeta), index, movie: (id) => catalog.movies.get(id) };
}

/** A catalog source reading the database. */
export function createCatalogSource(db: Database): CatalogSource {
  let view: Promise<CatalogView> | undefined;
  return {
    current() {
      if (view) return view;
      const loading = loadCatalog(db).then(createCatalogView);
      // A failed load (database down) is retried on the next request rather than cached.
      loading.catch(() => {
        if (view === loading) view = undefined;
      });
      view = loading;
      return loading;
    },
    changed() {
      view = undefined;
    },
  };
}
