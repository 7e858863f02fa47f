import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import { token, USER } from '../../testing/fixtures';
import { TokenColumn, TokenRow, TokenTableComponent } from './token-table.component';

const uma = { id: USER.id, username: USER.username, displayName: USER.displayName };
const LAPTOP: TokenRow = { ...token({ id: 't-1', label: 'Laptop' }), owner: uma };
const OLD: TokenRow = {
  ...token({ id: 't-2', label: 'Old PC', expiresAt: '2024-02-01T14:59:59.999Z' }),
  status: 'expired',
  owner: uma,
};

describe('TokenTableComponent', () => {
  let fixture: ComponentFixture<TokenTableComponent>;

  async function render(columns: TokenColumn[], statusBadges = false) {
    fixture = TestBed.createComponent(TokenTableComponent);
    fixture.componentRef.setInput('tokens', [LAPTOP, OLD]);
    fixture.componentRef.setInput('columns', columns);
    fixture.componentRef.setInput('caption', 'Tokens of your organisation');
    fixture.componentRef.setInput('timeZone', 'Asia/Tokyo');
    fixture.componentRef.setInput('statusBadges', statusBadges);
    await fixture.whenStable();
    return TestbedHarnessEnvironment.loader(fixture);
  }

  it('shows the columns asked for, in that order, with dates in the time zone', async () => {
    const loader = await render(['owner', 'label', 'expiresAt', 'status']);
    const table = await loader.getHarness(MatTableHarness);
    const [header] = await table.getHeaderRows();
    expect(await header.getCellTextByIndex()).toEqual(['Owner', 'Label', 'Expires on', 'Status']);
    const cells = await table.getCellTextByColumnName();
    expect(cells['owner'].text).toEqual(['Uma User (demo-user)', 'Uma User (demo-user)']);
    // The last moment of 1 February in Tokyo.
    expect(cells['expiresAt'].text).toEqual(['No expiry', 'Feb 1, 2024']);
    expect(cells['status'].text).toEqual(['Active', 'Expired']);
    expect(fixture.nativeElement.querySelector('caption').textContent.trim()).toBe(
      'Tokens of your organisation',
    );
    expect(fixture.nativeElement.querySelector('.status')).toBeNull();
    expect(await loader.getAllHarnesses(MatButtonHarness)).toHaveLength(0);
  });

  it('can show the status as a badge', async () => {
    await render(['label', 'status'], true);
    const badge = fixture.nativeElement.querySelector('.status-expired');
    expect(badge.textContent.trim()).toBe('Expired');
  });

  it('offers the actions the status allows and tells the page which token', async () => {
    const loader = await render(['label', 'actions']);
    const asked: string[] = [];
    const { editLabel, rotate, revoke } = fixture.componentInstance;
    editLabel.subscribe((t) => asked.push(`edit ${t.id}`));
    rotate.subscribe((t) => asked.push(`rotate ${t.id}`));
    revoke.subscribe((t) => asked.push(`revoke ${t.id}`));
    const labelled = (label: string) =>
      loader.getHarnessOrNull(MatButtonHarness.with({ selector: `[aria-label="${label}"]` }));
    for (const label of ['Edit label of Laptop', 'Rotate Laptop', 'Revoke Laptop', 'Rotate Old PC'])
      await (await labelled(label))!.click();
    expect(await labelled('Revoke Old PC')).toBeNull();
    expect(await labelled('Edit label of Old PC')).toBeNull();
    expect(asked).toEqual(['edit t-1', 'rotate t-1', 'revoke t-1', 'rotate t-2']);
  });
});
