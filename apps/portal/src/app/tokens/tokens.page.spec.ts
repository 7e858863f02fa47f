import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MatDialog } from '@angular/material/dialog';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatTableHarness } from '@angular/material/table/testing';
import { provideRouter, Router } from '@angular/router';
import type { Policy, Token } from '@feedpass/contracts';
import { apiError, token, TOKEN_VALUE, tokenList, USER } from '../../testing/fixtures';
import { AuthService } from '../core/auth.service';
import { TokensPage } from './tokens.page';

const LAPTOP = token({ id: 't-1', label: 'Laptop', lastUsedAt: '2024-07-01T12:00:00Z' });
const OLD = token({
  id: 't-2',
  label: 'Old PC',
  expiresAt: '2024-02-01T14:59:59.999Z',
  status: 'expired',
});
const GONE = token({
  id: 't-3',
  label: 'Gone',
  expiresAt: '2030-01-01T00:00:00Z',
  status: 'revoked',
  revokedAt: '2024-03-01T00:00:00Z',
});

describe('TokensPage', () => {
  let fixture: ComponentFixture<TokensPage>;
  let loader: HarnessLoader;
  let root: HarnessLoader;
  let http: HttpTestingController;

  function setUp(): void {
    TestBed.configureTestingModule({
      imports: [TokensPage],
      providers: [
        provideRouter([]),
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: AuthService, useValue: { user: signal(USER) } },
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(TokensPage);
    loader = TestbedHarnessEnvironment.loader(fixture);
    root = TestbedHarnessEnvironment.documentRootLoader(fixture);
  }

  async function render(items: Token[], rotate?: string): Promise<void> {
    setUp();
    if (rotate) fixture.componentRef.setInput('rotate', rotate);
    // The list loads in an effect: run it.
    TestBed.tick();
    http.expectOne('/api/tokens').flush(tokenList(items));
    await fixture.whenStable();
  }

  afterEach(() => http.verify());

  const text = () => (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');
  const rows = async () => (await loader.getHarness(MatTableHarness)).getCellTextByColumnName();
  const button = (selector: string | RegExp) =>
    loader.getHarness(MatButtonHarness.with({ text: selector }));
  const labelled = (label: string) =>
    loader.getHarnessOrNull(MatButtonHarness.with({ selector: `[aria-label="${label}"]` }));
  const dialog = () => root.getHarness(MatDialogHarness);
  const press = async (harness: MatDialogHarness, text: string) =>
    (await harness.getHarness(MatButtonHarness.with({ text }))).click();

  it('lists tokens with dates in the user’s time zone, “No expiry” and “Never”', async () => {
    await render([LAPTOP, OLD, GONE]);
    expect(fixture.nativeElement.querySelector('h1').textContent).toBe('Access Tokens');
    const cells = await rows();
    expect(cells['label'].text).toEqual(['Laptop', 'Old PC', 'Gone']);
    expect(cells['status'].text).toEqual(['Active', 'Expired', 'Revoked']);
    // 2024-02-01T14:59:59.999Z is the last moment of 1 February in Tokyo.
    expect(cells['expiresAt'].text).toEqual(['No expiry', 'Feb 1, 2024', 'Jan 1, 2030']);
    expect(cells['createdAt'].text[0].replace(/\s/g, ' ')).toBe('Jan 2, 2024, 8:30 AM');
    expect(cells['lastUsedAt'].text[0].replace(/\s/g, ' ')).toBe('Jul 1, 2024, 9:00 PM');
    expect(cells['lastUsedAt'].text[1]).toBe('Never');
    expect(text()).toContain('1 of 5 active');
  });

  it('shows each token’s scope, where it was last used from, its last rejected use and a leak', async () => {
    const scoped = token({
      id: 't-4',
      label: 'Sales BI',
      scope: { kind: 'data_sources', dataSources: [{ id: 'd-1', name: 'Sales' }] },
      lastUsedAt: '2024-07-01T12:00:00Z',
      lastUsedIp: '203.0.113.5',
      lastUsedClient: 'Microsoft.Data.Mashup (https://go.microsoft.com/fwlink/?LinkID=304225)',
    });
    const leaked = token({
      id: 't-5',
      label: 'Pasted',
      status: 'revoked',
      revokedAt: '2024-07-02T00:00:00Z',
      revokeReason: 'leaked',
      lastRejectedAt: '2024-07-03T03:00:00Z',
      lastRejectedIp: '198.51.100.8',
      lastRejectedClient: 'curl/8.5.0',
    });
    await render([scoped, LAPTOP, leaked]);
    const cells = await rows();
    const squash = (texts: string[]) => texts.map((t) => t.replace(/\s+/g, ' ').trim());
    expect(cells['scope'].text).toEqual(['Sales', 'All data sources', 'All data sources']);
    expect(squash(cells['lastUsedAt'].text)).toEqual([
      'Jul 1, 2024, 9:00 PM from 203.0.113.5 · Power BI / Excel',
      'Jul 1, 2024, 9:00 PM',
      'Never Last rejected Jul 3, 2024, 12:00 PM from 198.51.100.8 · curl/8.5.0',
    ]);
    expect(squash(cells['status'].text)).toEqual(['Active', 'Active', 'Revoked Leaked']);
    expect(fixture.nativeElement.querySelectorAll('.status-leaked')).toHaveLength(1);
  });

  it('offers only the actions that make sense, each naming its token', async () => {
    await render([LAPTOP, OLD, GONE]);
    for (const label of [
      'Edit label of Laptop',
      'Rotate Laptop',
      'Revoke Laptop',
      'Rotate Old PC',
    ]) {
      expect(await labelled(label)).not.toBeNull();
    }
    for (const label of ['Edit label of Old PC', 'Revoke Old PC', 'Rotate Gone', 'Revoke Gone']) {
      expect(await labelled(label)).toBeNull();
    }
  });

  it('explains the next step when there are no tokens, and cannot revoke all', async () => {
    await render([]);
    expect(text()).toContain('You have no access tokens yet');
    expect(text()).toContain('demo-user');
    expect(text()).toContain('0 of 5 active');
    expect(await (await button('Revoke all')).isDisabled()).toBe(true);
    expect(await (await button('Create token')).isDisabled()).toBe(false);
    expect(await loader.getHarnessOrNull(MatTableHarness)).toBeNull();
  });

  it('disables Create at 5 active tokens and says why', async () => {
    const five = [1, 2, 3, 4, 5].map((n) => token({ id: `t-${n}`, label: `T${n}` }));
    await render([...five, GONE]);
    const create = await button('Create token');
    expect(await create.isDisabled()).toBe(true);
    const reason = 'You have 5 active tokens, the maximum. Revoke one to create another.';
    expect(text()).toContain(reason);
    // Still focusable, and screen readers hear the reason with it.
    const host = await create.host();
    const describedBy = await host.getAttribute('aria-describedby');
    expect(fixture.nativeElement.querySelector(`#${describedBy}`).textContent.trim()).toBe(reason);
    await create.click();
    expect(await root.getAllHarnesses(MatDialogHarness)).toHaveLength(0);
    expect(text()).toContain('5 of 5 active');
  });

  it('creates a token and then shows its value once', async () => {
    await render([]);
    await (await button('Create token')).click();
    const policy: Policy = {
      mode: 'none',
      lifetimeDays: null,
      notifyDaysBefore: [7, 1],
      revokeUnusedAfterDays: null,
      updatedAt: '2024-01-01T00:00:00Z',
      updatedBy: null,
    };
    http.expectOne('/api/policy').flush(policy);
    const create = await dialog();
    await (await create.getHarness(MatInputHarness.with({ placeholder: '' }))).setValue('Laptop');
    await press(create, 'Create token');
    http
      .expectOne({ method: 'POST', url: '/api/tokens' })
      .flush({ token: LAPTOP, value: TOKEN_VALUE }, { status: 201, statusText: 'Created' });
    await fixture.whenStable();
    TestBed.tick();
    http.expectOne('/api/tokens').flush(tokenList([LAPTOP]));
    await fixture.whenStable();

    const reveal = await dialog();
    expect(await reveal.getTitleText()).toBe('Copy your new token');
    await press(reveal, 'Done');
    await fixture.whenStable();
    expect(await root.getAllHarnesses(MatDialogHarness)).toHaveLength(0);
    expect(document.body.innerHTML).not.toContain(TOKEN_VALUE);
    expect((await rows())['label'].text).toEqual(['Laptop']);
  });

  it('revokes after confirmation and reloads the list', async () => {
    await render([LAPTOP]);
    await (await labelled('Revoke Laptop'))!.click();
    const confirm = await dialog();
    expect(await confirm.getTitleText()).toBe('Revoke Laptop?');
    await press(confirm, 'Revoke');

    const req = http.expectOne('/api/tokens/t-1/revoke');
    expect(req.request.method).toBe('POST');
    const revoked = { ...LAPTOP, status: 'revoked' as const, revokedAt: '2024-08-01T00:00:00Z' };
    req.flush(revoked);
    TestBed.tick();
    http.expectOne('/api/tokens').flush(tokenList([revoked]));
    await fixture.whenStable();
    expect((await rows())['status'].text).toEqual(['Revoked']);
    expect(await labelled('Revoke Laptop')).toBeNull();
  });

  it('does not revoke when the confirmation is cancelled', async () => {
    await render([LAPTOP]);
    await (await labelled('Revoke Laptop'))!.click();
    await press(await dialog(), 'Cancel');
    http.expectNone('/api/tokens/t-1/revoke');
  });

  it('revokes all active tokens after confirmation', async () => {
    await render([LAPTOP, token({ id: 't-9', label: 'Other' })]);
    await (await button('Revoke all')).click();
    const confirm = await dialog();
    expect(await confirm.getTitleText()).toBe('Revoke all active tokens?');
    await press(confirm, 'Revoke all');
    const req = http.expectOne('/api/tokens/revoke-all');
    expect(req.request.method).toBe('POST');
    req.flush({ revoked: 2 });
    TestBed.tick();
    http.expectOne('/api/tokens').flush(tokenList([]));
    await fixture.whenStable();
    expect(text()).toContain('0 of 5 active');
  });

  it('rotates after a confirmation that says what happens, then reveals the new value', async () => {
    await render([OLD]);
    await (await labelled('Rotate Old PC'))!.click();
    const confirm = await dialog();
    expect(await confirm.getTitleText()).toBe('Rotate Old PC?');
    const message = await confirm.getContentText();
    expect(message).toContain('same label');
    expect(message).toContain('revokes');
    expect(message).toContain('Power BI');
    await press(confirm, 'Rotate');

    const req = http.expectOne('/api/tokens/t-2/rotate');
    expect(req.request.method).toBe('POST');
    const replacement = token({ id: 't-4', label: 'Old PC' });
    req.flush(
      { token: replacement, value: TOKEN_VALUE, replaced: { ...OLD, status: 'revoked' } },
      { status: 201, statusText: 'Created' },
    );
    TestBed.tick();
    http.expectOne('/api/tokens').flush(tokenList([replacement, { ...OLD, status: 'revoked' }]));
    await fixture.whenStable();
    expect(await (await dialog()).getTitleText()).toBe('Copy your new token');
  });

  it('shows the API’s message when a rotation is refused', async () => {
    await render([LAPTOP]);
    await (await labelled('Rotate Laptop'))!.click();
    await press(await dialog(), 'Rotate');
    http
      .expectOne('/api/tokens/t-1/rotate')
      .flush(...apiError(409, 'token_not_rotatable', 'This token is revoked.'));
    TestBed.tick();
    http.expectOne('/api/tokens').flush(tokenList([LAPTOP]));
    await fixture.whenStable();
    expect(fixture.nativeElement.querySelector('[role="alert"]').textContent).toContain(
      'This token is revoked.',
    );
    expect(await root.getAllHarnesses(MatDialogHarness)).toHaveLength(0);
  });

  it('renames through the Edit label dialog', async () => {
    await render([LAPTOP]);
    await (await labelled('Edit label of Laptop'))!.click();
    const edit = await dialog();
    await (await edit.getHarness(MatInputHarness)).setValue('  Work laptop ');
    await press(edit, 'Save');
    const req = http.expectOne('/api/tokens/t-1');
    expect(req.request.method).toBe('PATCH');
    expect(req.request.body).toEqual({ label: 'Work laptop' });
    req.flush({ ...LAPTOP, label: 'Work laptop' });
    await fixture.whenStable();
    expect((await rows())['label'].text).toEqual(['Work laptop']);
  });

  describe('the ?rotate deep link of the expiry emails', () => {
    it('opens the Rotate confirmation for that token once the list has loaded', async () => {
      setUp();
      const navigate = jest.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
      fixture.componentRef.setInput('rotate', 't-2');
      TestBed.tick();
      // Not through a harness: it would wait for the list, which loads until flushed below.
      expect(TestBed.inject(MatDialog).openDialogs).toHaveLength(0);
      http.expectOne('/api/tokens').flush(tokenList([LAPTOP, OLD]));
      await fixture.whenStable();

      expect(await (await dialog()).getTitleText()).toBe('Rotate Old PC?');
      expect(navigate).toHaveBeenCalledWith(
        [],
        expect.objectContaining({ queryParams: { rotate: null }, replaceUrl: true }),
      );
    });

    it('explains instead when that token is already revoked', async () => {
      await render([LAPTOP, GONE], 't-3');
      expect(await root.getAllHarnesses(MatDialogHarness)).toHaveLength(0);
      expect(fixture.nativeElement.querySelector('[role="alert"]').textContent).toContain(
        'Gone is revoked',
      );
    });

    it('explains when the token is not the user’s', async () => {
      await render([LAPTOP], 'someone-elses');
      expect(await root.getAllHarnesses(MatDialogHarness)).toHaveLength(0);
      expect(fixture.nativeElement.querySelector('[role="alert"]').textContent).toContain(
        'not found',
      );
    });
  });
});
