import { HarnessLoader } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatCheckboxHarness } from '@angular/material/checkbox/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MatDialogHarness } from '@angular/material/dialog/testing';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatRadioGroupHarness } from '@angular/material/radio/testing';
import { MatSnackBarHarness } from '@angular/material/snack-bar/testing';
import type { Policy } from '@feedpass/contracts';
import { ADMIN, apiError } from '../../../testing/fixtures';
import { AuthService } from '../../core/auth.service';
import { parseNoticeDays } from './notice-days';
import { ExpiryPolicyPage } from './policy.page';

const DEFAULT: Policy = {
  mode: 'none',
  lifetimeDays: null,
  notifyDaysBefore: [7, 1],
  revokeUnusedAfterDays: null,
  updatedAt: '2024-01-01T00:00:00Z',
  updatedBy: null,
};
const CHANGED: Policy = {
  mode: 'max',
  lifetimeDays: 90,
  notifyDaysBefore: [14, 7, 1],
  revokeUnusedAfterDays: null,
  updatedAt: '2024-01-01T23:30:00Z',
  updatedBy: { id: ADMIN.id, username: ADMIN.username, displayName: ADMIN.displayName },
};

describe('ExpiryPolicyPage', () => {
  let fixture: ComponentFixture<ExpiryPolicyPage>;
  let loader: HarnessLoader;
  let root: HarnessLoader;
  let http: HttpTestingController;

  async function render(policy: Policy): Promise<void> {
    TestBed.configureTestingModule({
      imports: [ExpiryPolicyPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: AuthService, useValue: { user: signal(ADMIN) } },
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(ExpiryPolicyPage);
    loader = TestbedHarnessEnvironment.loader(fixture);
    root = TestbedHarnessEnvironment.documentRootLoader(fixture);
    TestBed.tick(); // the policy loads in an effect
    http.expectOne('/api/policy').flush(policy);
    await fixture.whenStable();
  }

  afterEach(() => http.verify());

  const text = () => (fixture.nativeElement as HTMLElement).textContent!.replace(/\s+/g, ' ');
  const field = (label: string) =>
    loader.getHarnessOrNull(MatFormFieldHarness.with({ floatingLabelText: label }));
  const input = async (label: string) =>
    (await (await field(label))!.getControl(MatInputHarness)) as MatInputHarness;
  const mode = () => loader.getHarness(MatRadioGroupHarness);
  const save = async () =>
    (await loader.getHarness(MatButtonHarness.with({ text: 'Save policy' }))).click();
  const shorten = () =>
    loader.getHarnessOrNull(MatCheckboxHarness.with({ label: 'Also shorten existing tokens' }));

  it('shows the current policy and that it was never changed', async () => {
    await render(DEFAULT);
    expect(fixture.nativeElement.querySelector('h1').textContent).toBe('Token Expiry Policy');
    expect(text()).toContain('Never changed');
    expect(await (await mode()).getCheckedValue()).toBe('none');
    expect(await (await input('Notice days before expiry')).getValue()).toBe('7, 1');
    // Without a limit there are no days to set and nothing to shorten.
    expect(await field('Lifetime in days')).toBeNull();
    expect(await shorten()).toBeNull();
  });

  it('says who changed it last, and when, in the admin’s time zone', async () => {
    await render(CHANGED);
    expect(text().replace(/\s/g, ' ')).toContain(
      'Last changed by Ada Admin on Jan 2, 2024, 8:30 AM',
    );
    expect(await (await mode()).getCheckedValue()).toBe('max');
    expect(await (await input('Lifetime in days')).getValue()).toBe('90');
    expect(await (await input('Notice days before expiry')).getValue()).toBe('14, 7, 1');
  });

  it('explains each mode in one line, read out with its radio button', async () => {
    await render(DEFAULT);
    const inputs = [
      ...(fixture.nativeElement as HTMLElement).querySelectorAll<HTMLInputElement>(
        'mat-radio-button input[type="radio"]',
      ),
    ];
    const explained = inputs.map((input) => [
      input.labels?.[0]?.textContent?.trim(),
      document.getElementById(input.getAttribute('aria-describedby') ?? '')?.textContent?.trim(),
    ]);
    expect(explained).toEqual([
      ['No automatic expiry', 'Tokens never expire unless their owner picks an expiry date.'],
      [
        'Fixed lifetime',
        'Every new token expires exactly the set number of days after it is created.',
      ],
      [
        'Maximum lifetime',
        'Owners pick an expiry date up to the set number of days ahead; no token lasts forever.',
      ],
    ]);
  });

  it('refuses lifetimes outside 1–3650 days without calling the API', async () => {
    await render(DEFAULT);
    await (await mode()).checkRadioButton({ label: /Fixed lifetime/ });
    const days = await input('Lifetime in days');
    for (const bad of ['0', '3651', '']) {
      await days.setValue(bad);
      await save();
      expect(await (await field('Lifetime in days'))!.getTextErrors()).toEqual([
        'Enter a whole number of days from 1 to 3650.',
      ]);
    }
    http.expectNone('/api/admin/policy');
  });

  describe('revoking unused tokens', () => {
    const unused = () => input('Revoke tokens unused for');
    const errors = async () =>
      (await (await field('Revoke tokens unused for'))!.getTextErrors()) as string[];

    it('is empty (off) by default, explained in one line', async () => {
      await render(DEFAULT);
      expect(await (await unused()).getValue()).toBe('');
      const hint = await (await field('Revoke tokens unused for'))!.getTextHints();
      expect(hint).toEqual([
        '7–3650 days; leave empty to never revoke them. A token nobody used for that long ' +
          '(counted from its creation if never used) is revoked, and its owner is emailed on the ' +
          'notice days before.',
      ]);
    });

    it('shows the saved number of days', async () => {
      await render({ ...CHANGED, revokeUnusedAfterDays: 90 });
      expect(await (await unused()).getValue()).toBe('90');
    });

    it('refuses anything but a whole number of days from 7 to 3650, without calling the API', async () => {
      await render(DEFAULT);
      for (const bad of ['6', '3651', '7.5', '0', '-30', 'soon', '30 days']) {
        await (await unused()).setValue(bad);
        await save();
        expect(await errors()).toEqual([
          'Enter a whole number of days from 7 to 3650, or leave it empty.',
        ]);
      }
      http.expectNone('/api/admin/policy');
    });

    it.each<[string, number]>([
      ['7', 7],
      ['3650', 3650],
      [' 90 ', 90],
    ])('saves %j as %d days with the policy', async (typed, days) => {
      await render(CHANGED);
      await (await unused()).setValue(typed);
      await save();
      const req = http.expectOne('/api/admin/policy');
      expect(req.request.body).toEqual({
        mode: 'max',
        lifetimeDays: 90,
        notifyDaysBefore: [14, 7, 1],
        revokeUnusedAfterDays: days,
      });
      req.flush({ ...CHANGED, revokeUnusedAfterDays: days, shortenedTokens: 0 });
      await fixture.whenStable();
      expect(await (await unused()).getValue()).toBe(String(days));
    });

    it('emptied, turns it off (null), also with no automatic expiry', async () => {
      await render({ ...DEFAULT, revokeUnusedAfterDays: 30 });
      expect(await (await unused()).getValue()).toBe('30');
      await (await unused()).setValue('');
      await save();
      const req = http.expectOne('/api/admin/policy');
      expect(req.request.body).toEqual({
        mode: 'none',
        lifetimeDays: null,
        notifyDaysBefore: [7, 1],
        revokeUnusedAfterDays: null,
      });
      req.flush({ ...DEFAULT, shortenedTokens: 0 });
      await fixture.whenStable();
    });
  });

  it('refuses notice days that are not up to 5 distinct days from 1 to 90', async () => {
    await render(DEFAULT);
    const notice = await input('Notice days before expiry');
    for (const bad of ['7, 7', '91', '0', '30, 14, 7, 3, 2, 1', 'soon']) {
      await notice.setValue(bad);
      await save();
      expect((await (await field('Notice days before expiry'))!.getTextErrors()).length).toBe(1);
    }
    http.expectNone('/api/admin/policy');
    expect(parseNoticeDays('1, 30 ,7')).toEqual([30, 7, 1]);
    expect(parseNoticeDays('')).toEqual([]);
  });

  it('saves a fixed lifetime and says so', async () => {
    await render(DEFAULT);
    await (await mode()).checkRadioButton({ label: /Fixed lifetime/ });
    await (await input('Lifetime in days')).setValue('30');
    await (await input('Notice days before expiry')).setValue('1, 14');
    await save();

    const req = http.expectOne('/api/admin/policy');
    expect(req.request.method).toBe('PUT');
    expect(req.request.body).toEqual({
      mode: 'fixed',
      lifetimeDays: 30,
      notifyDaysBefore: [14, 1],
      revokeUnusedAfterDays: null,
    });
    req.flush({ ...CHANGED, mode: 'fixed', lifetimeDays: 30, shortenedTokens: 0 });
    await fixture.whenStable();
    expect(await (await root.getHarness(MatSnackBarHarness)).getMessage()).toBe('Policy saved.');
    expect(text()).toContain('Last changed by Ada Admin');
  });

  it('asks before shortening existing tokens, then reports how many were shortened', async () => {
    await render(CHANGED);
    await (await shorten())!.check();
    await save();
    const confirm = await root.getHarness(MatDialogHarness);
    expect(await confirm.getTitleText()).toBe('Shorten existing tokens?');
    expect(await confirm.getContentText()).toContain('90 days');
    http.expectNone('/api/admin/policy');
    await (await confirm.getHarness(MatButtonHarness.with({ text: 'Shorten and save' }))).click();

    const req = http.expectOne('/api/admin/policy');
    expect(req.request.body).toEqual({
      mode: 'max',
      lifetimeDays: 90,
      notifyDaysBefore: [14, 7, 1],
      revokeUnusedAfterDays: null,
      applyToExisting: true,
    });
    req.flush({ ...CHANGED, shortenedTokens: 3 });
    await fixture.whenStable();
    expect(await (await root.getHarness(MatSnackBarHarness)).getMessage()).toBe(
      'Policy saved. 3 tokens shortened.',
    );
    expect(await (await shorten())!.isChecked()).toBe(false);
  });

  it('saves nothing when the shortening is not confirmed', async () => {
    await render(CHANGED);
    await (await shorten())!.check();
    await save();
    const confirm = await root.getHarness(MatDialogHarness);
    await (await confirm.getHarness(MatButtonHarness.with({ text: 'Cancel' }))).click();
    http.expectNone('/api/admin/policy');
  });

  it('sends no lifetime and no shortening for “No automatic expiry”', async () => {
    await render(CHANGED);
    await (await shorten())!.check();
    await (await mode()).checkRadioButton({ label: /No automatic expiry/ });
    await save();
    const req = http.expectOne('/api/admin/policy');
    expect(req.request.body).toEqual({
      mode: 'none',
      lifetimeDays: null,
      notifyDaysBefore: [14, 7, 1],
      revokeUnusedAfterDays: null,
    });
    req.flush(...apiError(400, 'invalid_policy', 'Something about the policy is wrong.'));
    await fixture.whenStable();
    expect(fixture.nativeElement.querySelector('[role="alert"]').textContent).toContain(
      'Something about the policy is wrong.',
    );
  });
});
