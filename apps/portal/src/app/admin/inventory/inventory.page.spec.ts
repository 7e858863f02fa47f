import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import type { InventoryToken } from '@feedpass/contracts';
import { ADMIN, summary, token, USER } from '../../../testing/fixtures';
import { AuthService } from '../../core/auth.service';
import { TokenInventoryPage } from './inventory.page';

const uma = { id: USER.id, username: USER.username, displayName: USER.displayName };
const ROWS: InventoryToken[] = [
  { ...token({ id: 't-1', label: 'Laptop', lastUsedAt: '2024-07-01T12:00:00Z' }), owner: uma },
  {
    ...token({
      id: 't-2',
      label: 'Refresh',
      expiresAt: '2024-02-01T14:59:59.999Z',
      status: 'expired',
    }),
    owner: uma,
  },
];
const DAY_MS = 24 * 60 * 60 * 1000;

describe('TokenInventoryPage', () => {
  let fixture: ComponentFixture<TokenInventoryPage>;
  let loader: HarnessLoader;
  let http: HttpTestingController;

  beforeEach(async () => {
    TestBed.configureTestingModule({
      imports: [TokenInventoryPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: AuthService, useValue: { user: signal(ADMIN) } },
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(TokenInventoryPage);
    loader = TestbedHarnessEnvironment.loader(fixture);
    // The lists load in effects: run them.
    TestBed.tick();
    http.expectOne('/api/admin/users').flush({ items: [summary(ADMIN), summary(USER)] });
    http
      .expectOne((req) => req.url === '/api/admin/tokens' && req.params.keys().length === 0)
      .flush({ items: ROWS, nextCursor: 'c-2' });
    await fixture.whenStable();
    // The failed-mail line (its own spec covers it) asks once when it renders.
    http.match('/api/admin/mail/failed').forEach((req) => req.flush({ queued: 0, items: [] }));
  });

  afterEach(() => http.verify());

  const rows = async () => (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();
  const control = async <T extends MatSelectHarness | MatInputHarness>(
    label: string,
    type: new (...args: never[]) => T,
  ) =>
    (await (
      await loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }))
    ).getControl(type as never)) as T;
  const inventoryRequest = () => http.expectOne((r) => r.url === '/api/admin/tokens');

  it('lists every token of the tenant with its owner, and offers no revoke', async () => {
    expect(fixture.nativeElement.querySelector('h1').textContent).toBe('Token Inventory');
    const cells = await rows();
    expect(cells['owner'].text).toEqual(['Uma User (demo-user)', 'Uma User (demo-user)']);
    expect(cells['label'].text).toEqual(['Laptop', 'Refresh']);
    expect(cells['expiresAt'].text).toEqual(['No expiry', 'Feb 1, 2024']);
    expect(cells['status'].text).toEqual(['Active', 'Expired']);
    expect(cells['lastUsedAt'].text.map((t) => t.replace(/\s/g, ' '))).toEqual([
      'Jul 1, 2024, 9:00 PM',
      'Never',
    ]);
    expect(await loader.getAllHarnesses(MatButtonHarness.with({ text: /revoke/i }))).toHaveLength(
      0,
    );
  });

  it('shows each token’s scope, where it was last used from, and a visible “Leaked” badge', async () => {
    const rows2: InventoryToken[] = [
      {
        ...token({
          id: 't-5',
          label: 'Finance BI',
          scope: {
            kind: 'data_sources',
            dataSources: [
              { id: 'd-1', name: 'Finance' },
              { id: 'd-2', name: 'Sales' },
            ],
          },
          lastUsedAt: '2024-07-01T12:00:00Z',
          lastUsedIp: '2001:db8::1',
          lastUsedClient: 'Microsoft.Data.Mashup (https://go.microsoft.com/fwlink/?LinkID=304225)',
        }),
        owner: uma,
      },
      {
        ...token({
          id: 't-6',
          label: 'Pasted',
          status: 'revoked',
          revokedAt: '2024-07-02T00:00:00Z',
          revokeReason: 'leaked',
        }),
        owner: uma,
      },
    ];
    const status = await control('Status', MatSelectHarness);
    await status.open();
    await status.clickOptions({ text: 'Revoked' });
    inventoryRequest().flush({ items: rows2, nextCursor: null });
    await fixture.whenStable();
    const cells = await rows();
    const squash = (texts: string[]) => texts.map((t) => t.replace(/\s+/g, ' ').trim());
    expect(cells['scope'].text).toEqual(['Finance, Sales', 'All data sources']);
    expect(squash(cells['lastUsedAt'].text)).toEqual([
      'Jul 1, 2024, 9:00 PM from 2001:db8::1 · Power BI / Excel',
      'Never',
    ]);
    expect(squash(cells['status'].text)).toEqual(['Active', 'Revoked Leaked']);
    expect(fixture.nativeElement.querySelector('.status-leaked').textContent.trim()).toBe('Leaked');
  });

  it('filters by owner and status', async () => {
    const owner = await control('Owner', MatSelectHarness);
    await owner.open();
    await owner.clickOptions({ text: 'Uma User (demo-user)' });
    let req = inventoryRequest();
    expect(req.request.params.get('userId')).toBe(USER.id);
    req.flush({ items: ROWS, nextCursor: null });

    const status = await control('Status', MatSelectHarness);
    await status.open();
    await status.clickOptions({ text: 'Expired' });
    req = inventoryRequest();
    expect(req.request.params.get('userId')).toBe(USER.id);
    expect(req.request.params.get('status')).toBe('expired');
    req.flush({ items: [ROWS[1]], nextCursor: null });
    await fixture.whenStable();
    expect((await rows())['label'].text).toEqual(['Refresh']);
  });

  it('asks for active tokens expiring before now + N days', async () => {
    const within = await control('Expiring within N days', MatInputHarness);
    await within.setValue('30');
    await new Promise((resolve) => setTimeout(resolve, 400));
    const req = inventoryRequest();
    expect(req.request.params.get('status')).toBe('active');
    const before = Date.parse(req.request.params.get('expiresBefore')!);
    expect(Math.abs(before - (Date.now() + 30 * DAY_MS))).toBeLessThan(5000);
    req.flush({ items: [ROWS[0]], nextCursor: null });
    await fixture.whenStable();
    expect(await (await control('Status', MatSelectHarness)).getValueText()).toBe('Active');
    expect(await (await control('Status', MatSelectHarness)).isDisabled()).toBe(true);
  });

  it('loads the next page with the cursor', async () => {
    await (await loader.getHarness(MatButtonHarness.with({ text: 'Load more' }))).click();
    const req = inventoryRequest();
    expect(req.request.params.get('cursor')).toBe('c-2');
    req.flush({ items: [{ ...ROWS[0], id: 't-3', label: 'Third' }], nextCursor: null });
    await fixture.whenStable();
    expect((await rows())['label'].text).toEqual(['Laptop', 'Refresh', 'Third']);
    expect(await loader.getHarnessOrNull(MatButtonHarness.with({ text: 'Load more' }))).toBeNull();
  });
});
