import { Clipboard } from '@angular/cdk/clipboard';
import { HarnessLoader, TestKey } from '@angular/cdk/testing';
import { TestbedHarnessEnvironment } from '@angular/cdk/testing/testbed';
import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { MatButtonHarness } from '@angular/material/button/testing';
import { MatCheckboxHarness } from '@angular/material/checkbox/testing';
import { MatChipGridHarness } from '@angular/material/chips/testing';
import { MATERIAL_ANIMATIONS } from '@angular/material/core';
import { MatFormFieldHarness } from '@angular/material/form-field/testing';
import { MatInputHarness } from '@angular/material/input/testing';
import { MatSelectHarness } from '@angular/material/select/testing';
import { MatSnackBarHarness } from '@angular/material/snack-bar/testing';
import type { SsoSettings, SsoTestResult } from '@feedpass/contracts';
import { ADMIN, apiError } from '../../../testing/fixtures';
import { AuthService } from '../../core/auth.service';
import { SsoSettingsPage } from './sso-settings.page';

const NEW: SsoSettings = {
  issuer: '',
  clientId: '',
  clientSecretSet: false,
  displayName: '',
  allowedDomains: [],
  autoCreate: false,
  defaultRole: 'user',
  passwordSignIn: true,
  enabled: false,
  redirectUri: 'https://feedpass.example.com/api/auth/oidc/callback',
  updatedAt: null,
};
const SAVED: SsoSettings = {
  ...NEW,
  issuer: 'https://login.contoso.com',
  clientId: 'feedpass-client',
  clientSecretSet: true,
  displayName: 'Sign in with Contoso',
  allowedDomains: ['contoso.com', 'contoso.de'],
  autoCreate: true,
  defaultRole: 'user',
  enabled: true,
  updatedAt: '2024-01-01T23:30:00Z',
};
const FOUND: SsoTestResult = {
  issuer: 'https://login.contoso.com',
  authorizationEndpoint: 'https://login.contoso.com/authorize',
  tokenEndpoint: 'https://login.contoso.com/token',
  jwksUri: 'https://login.contoso.com/keys',
  userinfoEndpoint: null,
  pkceS256: true,
};

describe('SsoSettingsPage', () => {
  let fixture: ComponentFixture<SsoSettingsPage>;
  let loader: HarnessLoader;
  let root: HarnessLoader;
  let http: HttpTestingController;
  let copy: jest.Mock;

  async function render(settings: SsoSettings): Promise<void> {
    copy = jest.fn().mockReturnValue(true);
    TestBed.configureTestingModule({
      imports: [SsoSettingsPage],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: AuthService, useValue: { user: signal(ADMIN) } },
        { provide: Clipboard, useValue: { copy } },
        { provide: MATERIAL_ANIMATIONS, useValue: { animationsDisabled: true } },
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(SsoSettingsPage);
    loader = TestbedHarnessEnvironment.loader(fixture);
    root = TestbedHarnessEnvironment.documentRootLoader(fixture);
    TestBed.tick();
    http.expectOne('/api/admin/sso').flush(settings);
    await fixture.whenStable();
  }

  afterEach(() => http.verify());

  const el = () => fixture.nativeElement as HTMLElement;
  const text = () => el().textContent!.replace(/\s+/g, ' ');
  const field = (label: string) =>
    loader.getHarness(MatFormFieldHarness.with({ floatingLabelText: label }));
  const input = async (label: string) =>
    (await (await field(label)).getControl(MatInputHarness)) as MatInputHarness;
  const checkbox = (label: string) => loader.getHarness(MatCheckboxHarness.with({ label }));
  const click = async (text: string) =>
    (await loader.getHarness(MatButtonHarness.with({ text }))).click();
  const testId = (id: string) => el().querySelector(`[data-testid="${id}"]`)?.textContent?.trim();

  it('shows the saved settings, never the secret, and that one is stored', async () => {
    await render(SAVED);
    expect(el().querySelector('h1')!.textContent).toBe('Single sign-on');
    expect(await (await input('Issuer')).getValue()).toBe('https://login.contoso.com');
    expect(await (await input('Client ID')).getValue()).toBe('feedpass-client');
    const secret = await input('Client secret');
    expect(await secret.getValue()).toBe('');
    expect(await secret.getType()).toBe('password');
    expect(testId('secret-hint')).toContain('A secret is stored');
    expect(await (await input('Button text')).getValue()).toBe('Sign in with Contoso');
    const chips = await loader.getHarness(MatChipGridHarness);
    expect(await Promise.all((await chips.getRows()).map((row) => row.getText()))).toEqual([
      'contoso.com',
      'contoso.de',
    ]);
    expect(await (await checkbox('Create users on first sign-in')).isChecked()).toBe(true);
    expect(await (await checkbox('Allow password sign-in')).isChecked()).toBe(true);
    expect(await (await checkbox('Single sign-on enabled')).isChecked()).toBe(true);
    expect(text()).toContain('Last changed on Jan 2, 2024');
  });

  it('says when no secret is stored yet', async () => {
    await render(NEW);
    expect(testId('secret-hint')).toContain('No secret stored yet');
    expect(testId('secret-hint')).not.toContain('A secret is stored');
    expect(text()).toContain('Not set up yet');
  });

  it('shows the redirect URI and copies it to the clipboard', async () => {
    await render(NEW);
    expect(testId('redirect-uri')).toBe('https://feedpass.example.com/api/auth/oidc/callback');
    await click('Copy redirect URI');
    expect(copy).toHaveBeenCalledWith('https://feedpass.example.com/api/auth/oidc/callback');
    expect(text()).toContain('Copied the redirect URI to the clipboard.');
  });

  it('tests the typed issuer without saving and shows what it found', async () => {
    await render(SAVED);
    await (await input('Issuer')).setValue('https://login.contoso.com');
    await click('Test');
    const req = http.expectOne('/api/admin/sso/test');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ issuer: 'https://login.contoso.com' });
    req.flush(FOUND);
    await fixture.whenStable();
    const found = Object.fromEntries(
      [...el().querySelectorAll('[data-testid="test-result"] dt')].map((dt) => [
        dt.textContent!.trim(),
        dt.nextElementSibling!.textContent!.trim(),
      ]),
    );
    expect(found).toEqual({
      Issuer: 'https://login.contoso.com',
      'Authorization endpoint': 'https://login.contoso.com/authorize',
      'Token endpoint': 'https://login.contoso.com/token',
      'Keys (jwks_uri)': 'https://login.contoso.com/keys',
      'Userinfo endpoint': 'None published',
      'PKCE S256': 'Supported',
    });
    http.expectNone({ method: 'PUT', url: '/api/admin/sso' });
  });

  it('shows why the test failed', async () => {
    await render(NEW);
    await (await input('Issuer')).setValue('https://nowhere.example');
    await click('Test');
    http
      .expectOne('/api/admin/sso/test')
      .flush(
        ...apiError(
          400,
          'sso_issuer_unreachable',
          'The issuer https://nowhere.example is unreachable',
        ),
      );
    await fixture.whenStable();
    expect(testId('test-error')).toContain('is unreachable');
    expect(testId('test-result')).toBeUndefined();
  });

  it('saves without a secret, which keeps the stored one', async () => {
    await render(SAVED);
    await (await input('Button text')).setValue('Contoso');
    await click('Save');
    const req = http.expectOne('/api/admin/sso');
    expect(req.request.method).toBe('PUT');
    expect(req.request.body).toEqual({
      issuer: 'https://login.contoso.com',
      clientId: 'feedpass-client',
      displayName: 'Contoso',
      allowedDomains: ['contoso.com', 'contoso.de'],
      autoCreate: true,
      defaultRole: 'user',
      passwordSignIn: true,
      enabled: true,
    });
    expect('clientSecret' in req.request.body).toBe(false);
    req.flush({ ...SAVED, displayName: 'Contoso' });
    await fixture.whenStable();
    expect(await (await root.getHarness(MatSnackBarHarness)).getMessage()).toBe(
      'Single sign-on saved.',
    );
  });

  it('sends a typed secret, domains added as chips, the role and the switches', async () => {
    await render(NEW);
    await (await input('Issuer')).setValue('https://idp.example.org');
    await (await input('Client ID')).setValue('abc');
    await (await input('Client secret')).setValue('s3cret');
    await (await input('Button text')).setValue('Example');
    const chips = await (await loader.getHarness(MatChipGridHarness)).getInput();
    await chips!.setValue('Example.org');
    await chips!.sendSeparatorKey(TestKey.ENTER);
    await chips!.setValue('not_a_domain');
    await chips!.sendSeparatorKey(TestKey.ENTER);
    await fixture.whenStable();
    expect(testId('domain-error')).toContain('“not_a_domain” is not a domain name');
    await (await checkbox('Create users on first sign-in')).check();
    await (await loader.getHarness(MatSelectHarness)).clickOptions({ text: 'Admin' });
    await (await checkbox('Single sign-on enabled')).check();
    await (await checkbox('Allow password sign-in')).uncheck();
    await click('Save');
    const req = http.expectOne('/api/admin/sso');
    expect(req.request.body).toEqual({
      issuer: 'https://idp.example.org',
      clientId: 'abc',
      clientSecret: 's3cret',
      displayName: 'Example',
      allowedDomains: ['example.org'],
      autoCreate: true,
      defaultRole: 'admin',
      passwordSignIn: false,
      enabled: true,
    });
    req.flush({ ...NEW, clientSecretSet: true, enabled: true, updatedAt: '2024-01-02T00:00:00Z' });
    await fixture.whenStable();
    expect(await (await input('Client secret')).getValue()).toBe('');
    expect(testId('secret-hint')).toContain('A secret is stored');
  });

  it('removes a domain chip', async () => {
    await render(SAVED);
    const grid = await loader.getHarness(MatChipGridHarness);
    await (await grid.getRows({ text: 'contoso.com' }))[0].remove();
    await click('Save');
    const req = http.expectOne('/api/admin/sso');
    expect(req.request.body.allowedDomains).toEqual(['contoso.de']);
    req.flush(SAVED);
  });

  it('refuses empty required fields without calling the API', async () => {
    await render(NEW);
    await click('Save');
    expect(await (await field('Issuer')).getTextErrors()).toEqual(['Enter the issuer URL.']);
    expect(await (await field('Client ID')).getTextErrors()).toEqual(['Enter the client ID.']);
    expect(await (await field('Button text')).getTextErrors()).toEqual(['Enter the button text.']);
    http.expectNone('/api/admin/sso');
  });

  it('asks for a secret before enabling, and for SSO before turning passwords off', async () => {
    await render(NEW);
    await (await input('Issuer')).setValue('https://idp.example.org');
    await (await input('Client ID')).setValue('abc');
    await (await input('Button text')).setValue('Example');
    await (await checkbox('Single sign-on enabled')).check();
    await click('Save');
    expect(testId('save-error')).toContain('Enter the client secret');
    await (await checkbox('Single sign-on enabled')).uncheck();
    await (await checkbox('Allow password sign-in')).uncheck();
    await click('Save');
    expect(testId('save-error')).toContain('only while single sign-on is on');
    http.expectNone('/api/admin/sso');
  });

  it("shows the API's refusal inline", async () => {
    await render(SAVED);
    await click('Save');
    http
      .expectOne('/api/admin/sso')
      .flush(...apiError(400, 'invalid_sso', 'The issuer must be an https:// URL'));
    await fixture.whenStable();
    expect(testId('save-error')).toContain('The issuer must be an https:// URL');
  });
});
