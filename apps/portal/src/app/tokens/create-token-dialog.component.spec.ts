import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MatDatepickerInputHarness } from '@angular/material/datepicker/testing';
import { MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatRadioGroupHarness } from '@angular/material/radio/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import type { DataSource, Policy, PolicyMode } from '@feedpass/contracts';
import { apiError, token, TOKEN_VALUE, USER } from '../../testing/fixtures';
import { AuthService } from '../core/auth.service';
import { CreateTokenDialogComponent } from './create-token-dialog.component';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A day `offset` days from today as Tokyo (the user's zone, UTC+9, no DST) counts days. */
function tokyoDay(offset: number): { typed: string; endIso: string } {
  const shifted = new Date(Date.now() + 9 * 60 * 60 * 1000 + offset * DAY_MS);
  const [y, m, d] = [shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate()];
  return {
    typed: `${m}/${d}/${y}`,
    // 23:59:59.999 in Tokyo is 14:59:59.999 UTC of the same day.
    endIso: new Date(Date.UTC(y, m - 1, d, 14, 59, 59, 999)).toISOString(),
  };
}

describe('CreateTokenDialogComponent', () => {
  let fixture: ComponentFixture<CreateTokenDialogComponent>;
  let loader: HarnessLoader;
  let http: HttpTestingController;
  const close = jest.fn();

  async function open(mode: PolicyMode, lifetimeDays: number | null = null): Promise<void> {
    close.mockReset();
    TestBed.configureTestingModule({
      imports: [CreateTokenDialogComponent],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: MatDialogRef, useValue: { close } },
        { provide: AuthService, useValue: { user: signal(USER) } },
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(CreateTokenDialogComponent);
    loader = TestbedHarnessEnvironment.loader(fixture);
    const policy: Policy = {
      mode,
      lifetimeDays,
      notifyDaysBefore: [7, 1],
      revokeUnusedAfterDays: null,
      updatedAt: '2024-01-01T00:00:00Z',
      updatedBy: null,
    };
    http.expectOne('/api/policy').flush(policy);
    await fixture.whenStable();
  }

  afterEach(() => http.verify());

  const text = () => (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');
  const label = async () =>
    (await (
      await loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: 'Label' }))
    ).getControl(MatInputHarness)) as MatInputHarness;
  const picker = () => loader.getHarnessOrNull(MatDatepickerInputHarness);
  const submit = async () =>
    (await loader.getHarness(MatButtonHarness.with({ text: 'Create token' }))).click();
  const created = () => ({ token: token(), value: TOKEN_VALUE });

  async function posted(): Promise<unknown> {
    const req = http.expectOne({ method: 'POST', url: '/api/tokens' });
    const body = req.request.body;
    req.flush(created(), { status: 201, statusText: 'Created' });
    await fixture.whenStable();
    expect(close).toHaveBeenCalledWith(created());
    return body;
  }

  describe('policy "none"', () => {
    it('offers an optional date and sends an explicit “no expiry” when it is left empty', async () => {
      await open('none');
      expect(await picker()).not.toBeNull();
      expect(await (await picker())!.isRequired()).toBe(false);
      await (await label()).setValue('  Laptop  ');
      await submit();
      expect(await posted()).toEqual({ label: 'Laptop', expiresAt: null });
    });

    it('sends the end of the chosen day in the user’s time zone', async () => {
      await open('none');
      const day = tokyoDay(10);
      await (await label()).setValue('Laptop');
      await (await picker())!.setValue(day.typed);
      await submit();
      expect(await posted()).toEqual({ label: 'Laptop', expiresAt: day.endIso });
    });

    it('does not let the user pick a day in the past', async () => {
      await open('none');
      const input = (await picker())!;
      await (await label()).setValue('Laptop');
      await input.setValue(tokyoDay(-1).typed);
      await submit();
      http.expectNone('/api/tokens');
      expect(text()).toContain('Pick today or a later day.');

      // Today (in Tokyo) is fine: the token works until the end of it.
      await input.setValue(tokyoDay(0).typed);
      await submit();
      expect(await posted()).toEqual({ label: 'Laptop', expiresAt: tokyoDay(0).endIso });
    });
  });

  describe('policy "fixed"', () => {
    it('shows the lifetime instead of a picker and leaves expiresAt out', async () => {
      await open('fixed', 30);
      expect(await picker()).toBeNull();
      expect(text()).toContain('Tokens expire 30 days after they are created (tenant policy)');
      await (await label()).setValue('Laptop');
      await submit();
      const body = await posted();
      expect(body).toEqual({ label: 'Laptop' });
      expect(body).not.toHaveProperty('expiresAt');
    });
  });

  describe('policy "max"', () => {
    it('defaults to the last allowed day and then leaves expiresAt out (the API sets the maximum)', async () => {
      await open('max', 30);
      expect(text()).toContain('Tokens must expire within 30 days (tenant policy)');
      const input = (await picker())!;
      expect(await input.isRequired()).toBe(true);
      expect(await input.getValue()).toBe(tokyoDay(30).typed);
      await (await label()).setValue('Laptop');
      await submit();
      const body = await posted();
      expect(body).toEqual({ label: 'Laptop' });
      expect(body).not.toHaveProperty('expiresAt');
    });

    it('sends the end of an earlier chosen day', async () => {
      await open('max', 30);
      const day = tokyoDay(7);
      await (await label()).setValue('Laptop');
      await (await picker())!.setValue(day.typed);
      await submit();
      expect(await posted()).toEqual({ label: 'Laptop', expiresAt: day.endIso });
    });

    it('requires a date, and none beyond the maximum', async () => {
      await open('max', 30);
      await (await label()).setValue('Laptop');
      const input = (await picker())!;
      await input.setValue('');
      await submit();
      expect(text()).toContain('Pick an expiry date.');
      await input.setValue(tokyoDay(31).typed);
      await submit();
      expect(text()).toContain('Pick a day at most 30 days from now.');
      http.expectNone('/api/tokens');
    });
  });

  it('requires a label of 1–100 characters after trimming, counting an emoji as one', async () => {
    await open('fixed', 30);
    const input = await label();
    const field = await loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: 'Label' }));
    await input.setValue('   ');
    await submit();
    expect(await field.getTextErrors()).toEqual(['Enter a label.']);
    await input.setValue('x'.repeat(101));
    await input.blur();
    expect(await field.getTextErrors()).toEqual(['At most 100 characters.']);
    http.expectNone('/api/tokens');

    await input.setValue('📊'.repeat(100));
    await submit();
    expect(await posted()).toEqual({ label: '📊'.repeat(100) });
  });

  it('shows the API’s message and stays open when the limit is reached', async () => {
    await open('none');
    await (await label()).setValue('Laptop');
    await submit();
    http
      .expectOne('/api/tokens')
      .flush(...apiError(409, 'active_token_limit', 'You already have 5 active tokens.'));
    await fixture.whenStable();
    expect(fixture.nativeElement.querySelector('[role="alert"]').textContent).toContain(
      'You already have 5 active tokens.',
    );
    expect(close).not.toHaveBeenCalled();
  });

  describe('scope', () => {
    const source = (id: string, name: string, owned = true): DataSource => ({
      id,
      name,
      tables: ['deals'],
      owner: { id: owned ? USER.id : 'u-2', username: 'x', displayName: owned ? 'Uma' : 'Sam' },
      owned,
      odataUrl: `https://feeds.example/odata/${id}/`,
      sharedWith: [],
      rowFilters: {},
      lastReadAt: null,
      createdAt: '2024-01-01T00:00:00Z',
    });
    const SOURCES = [
      source('ds-1', 'Finance'),
      source('ds-2', 'Sales', false),
      source('ds-3', 'HR'),
    ];
    const radio = () => loader.getHarness(MatRadioGroupHarness);
    const only = async () => (await radio()).checkRadioButton({ label: 'Only these data sources' });
    const select = () => loader.getHarness(MatSelectHarness);

    it('reads all my data sources by default, says what a scope does, and loads nothing more', async () => {
      await open('fixed', 30);
      expect(await (await radio()).getCheckedValue()).toBe('all');
      expect(text()).toContain(
        'A scoped token can read only the data sources you pick; everything else answers 403.',
      );
      expect(await loader.getHarnessOrNull(MatSelectHarness)).toBeNull();
      http.expectNone('/api/data-sources');
      await (await label()).setValue('Laptop');
      await submit();
      expect(await posted()).toEqual({ label: 'Laptop' });
    });

    it('“Only these data sources” loads the readable ones (once) and sends the picked ids', async () => {
      await open('none');
      await only();
      expect(text()).toContain('Loading your data sources…');
      http.expectOne('/api/data-sources').flush({ items: SOURCES });
      await fixture.whenStable();
      const picker = await select();
      await picker.open();
      const options = await picker.getOptions();
      expect(await Promise.all(options.map((o) => o.getText()))).toEqual([
        'Finance',
        'Sales (shared by Sam)',
        'HR',
      ]);
      await picker.clickOptions({ text: 'Finance' });
      await picker.clickOptions({ text: /^Sales/ });
      await picker.close();
      // Switching back and forth asks for nothing again.
      await (await radio()).checkRadioButton({ label: 'All my data sources' });
      await only();
      http.expectNone('/api/data-sources');
      await (await label()).setValue('Finance BI');
      await submit();
      expect(await posted()).toEqual({
        label: 'Finance BI',
        expiresAt: null,
        scope: { kind: 'data_sources', dataSourceIds: ['ds-1', 'ds-2'] },
      });
    });

    it('needs at least one data source picked, and sends nothing without one', async () => {
      await open('fixed', 30);
      await only();
      http.expectOne('/api/data-sources').flush({ items: SOURCES });
      await fixture.whenStable();
      await (await label()).setValue('Laptop');
      await submit();
      expect(text()).toContain('Pick at least one data source.');
      http.expectNone('/api/tokens');

      // Back to all: the pick is no longer needed.
      await (await radio()).checkRadioButton({ label: 'All my data sources' });
      await submit();
      expect(await posted()).toEqual({ label: 'Laptop' });
    });

    it('says so when the data sources cannot be loaded, or when there are none', async () => {
      await open('fixed', 30);
      await only();
      http
        .expectOne('/api/data-sources')
        .flush(...apiError(503, 'service_unavailable', 'The database is unavailable.'));
      await fixture.whenStable();
      expect(text()).toContain(
        'Your data sources could not be loaded. The database is unavailable.',
      );
      await (await radio()).checkRadioButton({ label: 'All my data sources' });
      await only();
      http.expectOne('/api/data-sources').flush({ items: [] });
      await fixture.whenStable();
      expect(text()).toContain('You have no data sources yet');
      await (await label()).setValue('Laptop');
      await submit();
      http.expectNone('/api/tokens');
    });

    it('shows the API’s invalid_scope message and stays open', async () => {
      await open('fixed', 30);
      await only();
      http.expectOne('/api/data-sources').flush({ items: SOURCES });
      await fixture.whenStable();
      const picker = await select();
      await picker.open();
      await picker.clickOptions({ text: 'HR' });
      await picker.close();
      await (await label()).setValue('Laptop');
      await submit();
      http
        .expectOne('/api/tokens')
        .flush(...apiError(400, 'invalid_scope', 'At least one of these is not yours.'));
      await fixture.whenStable();
      expect(fixture.nativeElement.querySelector('[role="alert"]').textContent).toContain(
        'At least one of these is not yours.',
      );
      expect(close).not.toHaveBeenCalled();
    });
  });
});
