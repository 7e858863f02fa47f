import {
  computed,
  DestroyRef,
  effect,
  inject,
  signal,
  untracked,
  type Signal,
} from '@angular/core';
import type { Observable, Subscription } from 'rxjs';
import { apiErrorMessage } from '../core/api-error';

/** A page of a cursor-paged API list (`/api/admin/tokens`, `/api/history`, ...). */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CursorPagingOptions<T, Q> {
  /** The query of the list; each new value (even an equal one) starts again at the first page. */
  query: Signal<Q>;
  fetch: (query: Q, cursor: string | null) => Observable<CursorPage<T>>;
}

/** A cursor-paged list: the rows loaded so far and its load state, for a list footer. */
export interface CursorPaging<T> {
  readonly items: Signal<T[]>;
  readonly loading: Signal<boolean>;
  /** Whether any page has arrived yet. */
  readonly loaded: Signal<boolean>;
  readonly error: Signal<string | null>;
  readonly hasMore: Signal<boolean>;
  /** Appends the page after the rows shown (again, if it failed before). */
  more(): void;
}

/**
 * Loads the first page of `query()` at once and whenever it changes, and on `more()` the page
 * after the rows shown. The rows stay while another query or page loads and next to the error
 * when it fails; a newer request cancels an older one. Call it in an injection context.
 *
 * Not a `resource`: a resource keeps the application unstable while it loads, and these lists
 * load on every filter change, so the component specs could not interact with a filter before
 * they answer its request. Everything else about the list is one signal per state.
 */
export function cursorPaging<T, Q>({ query, fetch }: CursorPagingOptions<T, Q>): CursorPaging<T> {
  const items = signal<T[]>([]);
  const nextCursor = signal<string | null>(null);
  const loading = signal(false);
  const loaded = signal(false);
  const error = signal<string | null>(null);
  let request: Subscription | undefined;

  const load = (filter: Q, cursor: string | null) => {
    request?.unsubscribe();
    loading.set(true);
    request = fetch(filter, cursor).subscribe({
      next: (page) => {
        items.update((shown) => (cursor ? [...shown, ...page.items] : page.items));
        nextCursor.set(page.nextCursor);
        error.set(null);
        loading.set(false);
        loaded.set(true);
      },
      error: (err: unknown) => {
        error.set(apiErrorMessage(err));
        loading.set(false);
      },
    });
  };

  // The first page goes out with the component, not a change detection later.
  let loadedQuery = untracked(query);
  load(loadedQuery, null);
  effect(() => {
    const filter = query();
    if (filter === loadedQuery) return;
    loadedQuery = filter;
    untracked(() => load(filter, null));
  });
  inject(DestroyRef).onDestroy(() => request?.unsubscribe());

  return {
    items: items.asReadonly(),
    loading: loading.asReadonly(),
    loaded: loaded.asReadonly(),
    error: error.asReadonly(),
    hasMore: computed(() => nextCursor() !== null),
    more() {
      const cursor = nextCursor();
      if (cursor) load(untracked(query), cursor);
    },
  };
}
