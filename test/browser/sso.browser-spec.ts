import { MikroORM } from '@mikro-orm/postgresql';
import type { CurrentUser, SsoSettings, UpdateSsoRequest } from '@feedpass/contracts';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createApp } from '../../apps/api/src/app.factory';
import { FixedClock } from '../../apps/api/src/common/clock';
import { assertPortalBuilt, launchChromium, PORTAL_DIR } from '../setup/chromium';
import { signIn } from '../setup/e2e-helpers';
import { freePort } from '../setup/free-port';
import { startTestProvider, type TestProvider } from '../setup/oidc-provider';
import { createTestDatabase } from '../setup/test-database';
import { seedTenant, TEST_PASSWORD, testConfig, type TestApp } from '../setup/test-app';

/**
 * Single sign-on in a real browser: the portal's sign-in page, the identity provider's own
 * login and consent pages (oidc-provider's devInteractions forms), and back to the portal.
 */
describe('single sign-on in a real browser', () => {
  let test: TestApp;
  let idp: TestProvider;
  let browser: Browser;

  /**
   * The app on a port chosen beforehand, so that PUBLIC_URL (the redirect URI the provider
   * knows, and where the callback sends the browser) is the very origin Chromium browses.
   */
  const startAppAt = async (port: number, env: Record<string, string>): Promise<TestApp> => {
    const databaseUrl = await createTestDatabase();
    const clock = new FixedClock(new Date());
    const app = await createApp(testConfig(databaseUrl, env), { clock, logger: ['error'] });
    await app.listen(port, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${port}`;
    return { app, baseUrl, databaseUrl, clock, orm: app.get(MikroORM), close: () => app.close() };
  };

  /** A fresh browser (no provider session), the provider's web fonts refused (closed network). */
  const freshPage = async (): Promise<{ context: BrowserContext; page: Page }> => {
    const context = await browser.newContext();
    await context.route(/^https?:\/\/fonts\.(googleapis|gstatic)\.com\//, (route) => route.abort());
    return { context, page: await context.newPage() };
  };

  /** The portal's sign-in page: the username, then the tenant's SSO button. */
  const startSso = async (page: Page, username: string) => {
    await page.goto(`${test.baseUrl}/login`);
    await page.getByLabel('Username').fill(username);
    await page.getByRole('link', { name: 'Sign in with TestIdP' }).click();
  };

  /** The provider's own login page (any password), then its consent page. */
  const signInAtProvider = async (page: Page, sub: string) => {
    const login = page.getByPlaceholder('Enter any login');
    await login.waitFor();
    expect(new URL(page.url()).origin).toBe(idp.issuer);
    await login.fill(sub);
    await page.getByPlaceholder('and password').fill('whatever-the-provider-accepts');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    const consent = page.getByRole('button', { name: 'Continue' });
    await consent.waitFor();
    expect(new URL(page.url()).origin).toBe(idp.issuer);
    await consent.click();
  };

  beforeAll(async () => {
    assertPortalBuilt();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    idp = await startTestProvider(`${publicUrl}/api/auth/oidc/callback`, { loginPages: true });
    test = await startAppAt(port, { PORTAL_DIR, PUBLIC_URL: publicUrl });
    await seedTenant(test, 'Acme', [
      { username: 'ada', role: 'admin' },
      { username: 'bob' },
      { username: 'carol' },
    ]);
    const ada = await signIn(test, 'ada', TEST_PASSWORD);
    const settings: UpdateSsoRequest = {
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      displayName: 'TestIdP',
      allowedDomains: ['example.test'],
      autoCreate: false,
      defaultRole: 'user',
      passwordSignIn: true,
      enabled: true,
    };
    const put = await ada.request<SsoSettings>('PUT', '/api/admin/sso', settings);
    expect([put.status, put.body.enabled]).toEqual([200, true]);
    idp.accounts.set('sub-bob', { email: 'bob@example.test', email_verified: true, name: 'Bob' });
    idp.accounts.set('sub-carol', { email: 'carol@elsewhere.test', email_verified: true });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await test?.close();
    await idp?.close();
  });

  it('signs bob in through the provider’s login and consent pages, back to Access Tokens', async () => {
    const { context, page } = await freshPage();
    try {
      await startSso(page, 'bob');
      await signInAtProvider(page, 'sub-bob');
      await page.getByRole('heading', { name: 'Access Tokens', exact: true }).waitFor();
      expect(new URL(page.url()).origin).toBe(test.baseUrl);
      const me = await page.evaluate<{ status: number; body: CurrentUser }>(
        "fetch('/api/auth/me').then(async (r) => ({ status: r.status, body: await r.json() }))",
      );
      expect([me.status, me.body.username]).toEqual([200, 'bob']);
    } finally {
      await context.close();
    }
  });

  it('refuses a provider account whose e-mail domain is not allowed, in plain words', async () => {
    const { context, page } = await freshPage();
    try {
      await startSso(page, 'carol');
      await signInAtProvider(page, 'sub-carol');
      const alert = page.getByTestId('sso-error');
      await alert.waitFor();
      expect(await alert.innerText()).toBe(
        'There is no feedpass account for you, and none could be created. Ask your administrator to invite you.',
      );
      const url = new URL(page.url());
      expect([url.origin, url.pathname, url.searchParams.get('sso_error')]).toEqual([
        test.baseUrl,
        '/login',
        'sso_no_account',
      ]);
      const me = await page.evaluate<number>("fetch('/api/auth/me').then((r) => r.status)");
      expect(me).toBe(401);
    } finally {
      await context.close();
    }
  });
});
