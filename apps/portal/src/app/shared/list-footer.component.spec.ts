import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatProgressBarHarness } from '@angular/material/progress-bar/testing';
import type { CursorPaging } from './cursor-paging';
import { ListFooterComponent } from './list-footer.component';

interface State {
  items?: string[];
  loading?: boolean;
  loaded?: boolean;
  error?: string | null;
  hasMore?: boolean;
}

describe('ListFooterComponent', () => {
  let fixture: ComponentFixture<ListFooterComponent>;
  const more = jest.fn();

  async function render(state: State, pageError: string | null = null) {
    const list: CursorPaging<string> = {
      items: signal(state.items ?? []),
      loading: signal(state.loading ?? false),
      loaded: signal(state.loaded ?? false),
      error: signal(state.error ?? null),
      hasMore: signal(state.hasMore ?? false),
      more,
    };
    fixture = TestBed.createComponent(ListFooterComponent);
    fixture.componentRef.setInput('list', list);
    fixture.componentRef.setInput('error', pageError);
    fixture.componentRef.setInput('loadingLabel', 'Loading tokens');
    fixture.componentRef.setInput('emptyText', 'No tokens match these filters.');
    await fixture.whenStable();
    return TestbedHarnessEnvironment.loader(fixture);
  }
  const text = () => (fixture.nativeElement as HTMLElement).textContent!.trim();
  const alert = () => fixture.nativeElement.querySelector('[role="alert"]').textContent.trim();
  const loadMore = { text: 'Load more' };

  it('says “Loading…” with a named progress bar until the list has loaded', async () => {
    const loader = await render({ loading: true });
    const bar = await loader.getHarness(MatProgressBarHarness);
    expect(await (await bar.host()).getAttribute('aria-label')).toBe('Loading tokens');
    expect(text()).toBe('Loading…');
  });

  it('says why the list is empty once loaded, and nothing when it has rows', async () => {
    await render({ loaded: true });
    expect(text()).toBe('No tokens match these filters.');
    await render({ loaded: true, items: ['a'] });
    expect(text()).toBe('');
  });

  it('shows the page’s error before the list’s, in an alert', async () => {
    await render({ loaded: true, items: ['a'], error: 'The server cannot be reached.' });
    expect(alert()).toBe('The server cannot be reached.');
    await render({ loaded: true, items: ['a'], error: 'List failed.' }, 'Download failed.');
    expect(alert()).toBe('Download failed.');
  });

  it('offers Load more while there is another page, disabled while loading', async () => {
    let loader = await render({ loaded: true, items: ['a'], hasMore: true });
    await (await loader.getHarness(MatButtonHarness.with(loadMore))).click();
    expect(more).toHaveBeenCalledTimes(1);

    loader = await render({ loaded: true, items: ['a'], hasMore: true, loading: true });
    expect(await (await loader.getHarness(MatButtonHarness.with(loadMore))).isDisabled()).toBe(
      true,
    );

    loader = await render({ loaded: true, items: ['a'] });
    expect(await loader.getHarnessOrNull(MatButtonHarness.with(loadMore))).toBeNull();
  });
});
