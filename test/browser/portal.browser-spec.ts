import { type Browser, type Page } from 'playwright-core';
import { assertPortalBuilt, launchChromium, openDialog, PORTAL_DIR } from '../setup/chromium';
import { seedTenant, startTestApp, TEST_PASSWORD, type TestApp } from '../setup/test-app';

describe('portal in a real browser', () => {
  let test: TestApp;
  let browser: Browser;
  let page: Page;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    assertPortalBuilt();
    test = await startTestApp({ PORTAL_DIR });
    await seedTenant(test, 'Acme', [{ username: 'ada', role: 'admin' }, { username: 'bob' }]);
    await seedTenant(test, 'Rival', [{ username: 'eve', role: 'admin' }]);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  it('sends a visitor to sign in, and refuses a wrong password', async () => {
    await page.goto(`${test.baseUrl}/admin/users`);
    await page.getByLabel('Username').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');

    await page.getByLabel('Username').fill('ada');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Wrong username or password').waitFor();
  });

  it('signs the admin in and shows the tenant’s users, not another tenant’s', async () => {
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Users', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/users');

    const table = page.getByRole('table');
    await table.getByRole('cell', { name: 'bob@example.test' }).waitFor();
    expect(await table.getByRole('cell', { name: 'eve@example.test' }).count()).toBe(0);
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Token Inventory' })
      .waitFor();
  });

  it('creates a user through the dialog, who can then sign in', async () => {
    const dialog = await openDialog(
      page,
      page.getByRole('button', { name: 'Create user' }),
      'Create user',
    );
    const fields = {
      Username: 'carol',
      'Display name': 'Carol Jones',
      Email: 'carol@example.test',
      Password: 'carols-long-password',
    };
    for (const [label, value] of Object.entries(fields)) {
      await dialog.getByLabel(label, { exact: true }).fill(value);
    }
    // What the fields hold, and then the API's answer: so that a fill gone astray or a refusal
    // fails here, saying which, rather than as a dialog that never closes.
    const held: Record<string, string> = {};
    for (const label of Object.keys(fields)) {
      held[label] = await dialog.getByLabel(label, { exact: true }).inputValue();
    }
    expect(held).toEqual(fields);
    const answer = page.waitForResponse(
      (response) =>
        response.request().method() === 'POST' &&
        new URL(response.url()).pathname === '/api/admin/users',
    );
    await dialog.getByRole('button', { name: 'Create user' }).click();
    expect((await answer).status()).toBe(201);
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('table').getByText('carol', { exact: true }).waitFor();

    const signIn = await fetch(`${test.baseUrl}/api/health`).then(async (health) => {
      const xsrf = /XSRF-TOKEN=([^;]+)/.exec(health.headers.get('set-cookie') ?? '')![1];
      return fetch(`${test.baseUrl}/api/auth/login`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          cookie: `XSRF-TOKEN=${xsrf}`,
          'x-xsrf-token': xsrf,
        },
        body: JSON.stringify({ username: 'carol', password: 'carols-long-password' }),
      });
    });
    expect(signIn.status).toBe(200);
  });

  it('signs out, after which the pages need a sign-in again', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Username').waitFor();
    await page.goto(`${test.baseUrl}/admin/users`);
    await page.getByLabel('Username').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('shows a non-admin no admin navigation', async () => {
    await page.getByLabel('Username').fill('bob');
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Access Tokens' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Users' }).count()).toBe(0);
  });

  it('serves the portal under a strict Content-Security-Policy that it never violates', async () => {
    const response = await fetch(`${test.baseUrl}/`);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(cspViolations).toEqual([]);
  });
});
