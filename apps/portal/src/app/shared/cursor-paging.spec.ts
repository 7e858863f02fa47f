import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Subject } from 'rxjs';
import { HttpErrorResponse } from '@angular/common/http';
import { CursorPage, cursorPaging } from './cursor-paging';

describe('cursorPaging', () => {
  function setUp() {
    const requests: { query: string; cursor: string | null; page: Subject<CursorPage<string>> }[] =
      [];
    const query = signal('all');
    const paging = TestBed.runInInjectionContext(() =>
      cursorPaging({
        query,
        fetch: (q: string, cursor) => {
          const page = new Subject<CursorPage<string>>();
          requests.push({ query: q, cursor, page });
          return page;
        },
      }),
    );
    const answer = (items: string[], nextCursor: string | null) =>
      requests.at(-1)!.page.next({ items, nextCursor });
    return { requests, query, paging, answer };
  }

  it('asks for the first page at once and then appends the next ones', () => {
    const { requests, paging, answer } = setUp();
    expect(requests.map((r) => [r.query, r.cursor])).toEqual([['all', null]]);
    expect(paging.loading()).toBe(true);
    expect(paging.loaded()).toBe(false);
    answer(['a', 'b'], 'c-2');
    expect(paging.items()).toEqual(['a', 'b']);
    expect(paging.hasMore()).toBe(true);
    expect(paging.loading()).toBe(false);

    paging.more();
    expect(requests.at(-1)).toMatchObject({ query: 'all', cursor: 'c-2' });
    answer(['c'], null);
    expect(paging.items()).toEqual(['a', 'b', 'c']);
    expect(paging.hasMore()).toBe(false);
    paging.more();
    expect(requests).toHaveLength(2);
  });

  it('starts again at the first page when the query changes, keeping the rows meanwhile', () => {
    const { requests, query, paging, answer } = setUp();
    answer(['a', 'b'], 'c-2');
    query.set('mine');
    TestBed.tick();
    expect(requests.at(-1)).toMatchObject({ query: 'mine', cursor: null });
    expect(paging.items()).toEqual(['a', 'b']);
    answer(['m'], null);
    expect(paging.items()).toEqual(['m']);
  });

  it('drops the answer of a request that a newer one replaced', () => {
    const { requests, query, paging } = setUp();
    query.set('mine');
    TestBed.tick();
    requests[0].page.next({ items: ['stale'], nextCursor: null });
    expect(paging.items()).toEqual([]);
    requests[1].page.next({ items: ['fresh'], nextCursor: null });
    expect(paging.items()).toEqual(['fresh']);
  });

  it('keeps the rows next to the error, and asks for the failed page again', () => {
    const { requests, paging, answer } = setUp();
    answer(['a'], 'c-2');
    paging.more();
    requests.at(-1)!.page.error(new HttpErrorResponse({ status: 0 }));
    expect(paging.error()).toContain('cannot be reached');
    expect(paging.items()).toEqual(['a']);
    expect(paging.loading()).toBe(false);
    paging.more();
    expect(requests.at(-1)).toMatchObject({ cursor: 'c-2' });
    answer(['b'], null);
    expect(paging.items()).toEqual(['a', 'b']);
    expect(paging.error()).toBeNull();
  });
});
