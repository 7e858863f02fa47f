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

  describe('what a row says about scope, use and leaks', () => {
    const SCOPED: TokenRow = {
      ...token({
        id: 't-3',
        label: 'Sales BI',
        scope: {
          kind: 'data_sources',
          dataSources: [
            { id: 'd-1', name: 'Finance' },
            { id: 'd-2', name: 'Sales' },
          ],
        },
        lastUsedAt: '2024-07-01T12:00:00Z',
        lastUsedIp: '203.0.113.5',
        lastUsedClient: 'Microsoft.Data.Mashup (https://go.microsoft.com/fwlink/?LinkID=304225)',
      }),
      owner: uma,
    };
    const LEAKED: TokenRow = {
      ...token({
        id: 't-4',
        label: 'Pasted',
        status: 'revoked',
        revokedAt: '2024-07-02T00:00:00Z',
        revokeReason: 'leaked',
        scope: { kind: 'data_sources', dataSources: [] },
        lastUsedAt: '2024-07-01T00:00:00Z',
        lastUsedIp: '198.51.100.7',
        lastUsedClient: 'python-requests/2.32.3 (a very long user agent string that goes on)',
        lastRejectedAt: '2024-07-03T03:00:00Z',
        lastRejectedIp: '198.51.100.8',
        lastRejectedClient: 'Microsoft.Data.Mashup',
      }),
      owner: uma,
    };

    async function renderRows(rows: TokenRow[]) {
      fixture = TestBed.createComponent(TokenTableComponent);
      fixture.componentRef.setInput('tokens', rows);
      fixture.componentRef.setInput('columns', ['label', 'scope', 'status', 'lastUsedAt']);
      fixture.componentRef.setInput('caption', 'Tokens');
      fixture.componentRef.setInput('timeZone', 'Asia/Tokyo');
      await fixture.whenStable();
      const table = await TestbedHarnessEnvironment.loader(fixture).getHarness(MatTableHarness);
      return table.getCellTextByColumnName();
    }
    const squash = (texts: string[]) => texts.map((t) => t.replace(/\s+/g, ' ').trim());

    it('shows the scope: all, the names, or none left', async () => {
      const cells = await renderRows([LAPTOP, SCOPED, LEAKED]);
      expect(cells['scope'].text).toEqual([
        'All data sources',
        'Finance, Sales',
        'No data sources left (they were deleted)',
      ]);
    });

    it('says where the last use came from, Power Query as “Power BI / Excel”, and the last rejected use', async () => {
      const cells = await renderRows([LAPTOP, SCOPED, LEAKED]);
      expect(squash(cells['lastUsedAt'].text)).toEqual([
        'Never',
        'Jul 1, 2024, 9:00 PM from 203.0.113.5 · Power BI / Excel',
        'Jul 1, 2024, 9:00 AM from 198.51.100.7 · python-requests/2.32.3 (a very long use… ' +
          'Last rejected Jul 3, 2024, 12:00 PM from 198.51.100.8 · Power BI / Excel',
      ]);
      const origin = fixture.nativeElement.querySelector('.origin');
      expect(origin.getAttribute('title')).toBe(SCOPED.lastUsedClient);
    });

    it('badges a leaked token “Leaked”, and no other', async () => {
      const cells = await renderRows([LAPTOP, SCOPED, LEAKED]);
      expect(squash(cells['status'].text)).toEqual(['Active', 'Active', 'Revoked Leaked']);
      const badges = fixture.nativeElement.querySelectorAll('.status-leaked');
      expect(badges).toHaveLength(1);
      expect(badges[0].textContent.trim()).toBe('Leaked');
    });
  });
});
