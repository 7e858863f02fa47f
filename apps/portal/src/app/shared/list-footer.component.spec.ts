import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatProgressBarHarness } from '@angular/material/progress-bar/testing';
import { ListFooterComponent } from './list-footer.component';

describe('ListFooterComponent', () => {
  let fixture: ComponentFixture<ListFooterComponent>;

  async function render(inputs: Record<string, unknown>) {
    fixture = TestBed.createComponent(ListFooterComponent);
    fixture.componentRef.setInput('loadingLabel', 'Loading tokens');
    fixture.componentRef.setInput('emptyText', 'No tokens match these filters.');
    for (const [name, value] of Object.entries(inputs)) fixture.componentRef.setInput(name, value);
    await fixture.whenStable();
    return TestbedHarnessEnvironment.loader(fixture);
  }
  const text = () => (fixture.nativeElement as HTMLElement).textContent!.trim();
  const alert = () => fixture.nativeElement.querySelector('[role="alert"]').textContent.trim();

  it('says “Loading…” with a named progress bar until the list has loaded', async () => {
    const loader = await render({ count: 0, loading: true });
    const bar = await loader.getHarness(MatProgressBarHarness);
    expect(await (await bar.host()).getAttribute('aria-label')).toBe('Loading tokens');
    expect(text()).toBe('Loading…');
  });

  it('says why the list is empty once loaded, and nothing when it has rows', async () => {
    await render({ count: 0, loaded: true });
    expect(text()).toBe('No tokens match these filters.');
    await render({ count: 3, loaded: true });
    expect(text()).toBe('');
  });

  it('shows the error in an alert', async () => {
    await render({ count: 2, loaded: true, error: 'The server cannot be reached.' });
    expect(alert()).toBe('The server cannot be reached.');
  });

  it('offers Load more while there is another page, disabled while loading', async () => {
    let loader = await render({ count: 2, loaded: true, hasMore: true });
    const more = jest.fn();
    fixture.componentInstance.more.subscribe(more);
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Load more' }))).click();
    expect(more).toHaveBeenCalledTimes(1);

    loader = await render({ count: 2, loaded: true, hasMore: true, loading: true });
    const button = await loader.getHarness(MatButtonHarness.with({ text: 'Load more' }));
    expect(await button.isDisabled()).toBe(true);

    loader = await render({ count: 2, loaded: true, hasMore: false });
    expect(await loader.getHarnessOrNull(MatButtonHarness.with({ text: 'Load more' }))).toBeNull();
  });
});
