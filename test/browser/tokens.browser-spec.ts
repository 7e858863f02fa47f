import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { assertPortalBuilt, launchChromium, openDialog, PORTAL_DIR } from '../setup/chromium';
import { signIn } from '../setup/e2e-helpers';
import { createDataSource, seedDemoSchema } from '../setup/odata-helpers';
import { seedTenant, startTestApp, TEST_PASSWORD, type TestApp } from '../setup/test-app';

const TOKEN_FORMAT = /^fpat_[0-9A-Za-z]{36}$/;

describe('access tokens in a real browser', () => {
  let test: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** The value as the reveal dialog showed it; only ever held by this test. */
  let value = '';

  beforeAll(async () => {
    assertPortalBuilt();
    test = await startTestApp({ PORTAL_DIR });
    await seedTenant(test, 'Acme', [{ username: 'bob' }, { username: 'ada', role: 'admin' }]);
    browser = await launchChromium();
    context = await browser.newContext();
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(test.baseUrl).origin,
    });
    page = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  it('signs the user in to an empty token list that explains the next step', async () => {
    await page.goto(`${test.baseUrl}/tokens`);
    await page.getByLabel('Username').fill('bob');
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Access Tokens', exact: true }).waitFor();
    await page.getByRole('heading', { name: 'You have no access tokens yet' }).waitFor();
    await page.getByText('0 of 5 active').waitFor();
    expect(await page.getByRole('button', { name: 'Revoke all' }).isDisabled()).toBe(true);
  });

  it('creates "Laptop" and reveals its value once, masked until the eye is pressed', async () => {
    const create = await openDialog(
      page,
      page.getByRole('button', { name: 'Create token' }),
      'Create token',
    );
    await create.getByLabel('Label').fill('Laptop');
    await create.getByRole('button', { name: 'Create token' }).click();

    const reveal = page.getByRole('dialog', { name: 'Copy your new token' });
    await reveal.waitFor();
    await reveal.getByText('This token will not be shown again').waitFor();
    const field = reveal.getByLabel('Token', { exact: true });
    expect(await field.getAttribute('type')).toBe('password');
    expect(await reveal.getByLabel('Username for Power BI').inputValue()).toBe('bob');

    await reveal.getByRole('button', { name: 'Show token' }).click();
    expect(await field.getAttribute('type')).toBe('text');
    value = await field.inputValue();
    expect(value).toMatch(TOKEN_FORMAT);
    await reveal.getByRole('button', { name: 'Hide token' }).waitFor();

    await reveal.getByRole('button', { name: 'Copy token' }).click();
    await reveal.getByText('Copied the token to the clipboard.').waitFor();
    // The page's own clipboard, as Power BI's paste would see it (a string: no DOM types here).
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(value);

    await reveal.getByRole('button', { name: 'Done' }).click();
    await reveal.waitFor({ state: 'detached' });
  });

  it('keeps the value nowhere on the page afterwards, with no way to show it again', async () => {
    const table = page.getByRole('table');
    await table.getByRole('cell', { name: 'Laptop', exact: true }).waitFor();
    await page.getByText('1 of 5 active').waitFor();
    expect(await page.content()).not.toContain(value);
    expect(await page.locator('body').innerText()).not.toContain(value);
    const fieldValues = await page.evaluate<string[]>(
      `[...document.querySelectorAll('input, textarea')].map((field) => field.value)`,
    );
    expect(fieldValues).not.toContain(value);
    expect(await page.getByRole('button', { name: /show token/i }).count()).toBe(0);
    expect(await page.getByRole('dialog').count()).toBe(0);
    const stored = await page.evaluate<string>(
      'JSON.stringify({ ...sessionStorage, ...localStorage })',
    );
    expect(stored).not.toContain(value);
  });

  it('revokes the token after confirmation, and the row then says Revoked', async () => {
    const row = page.getByRole('row', { name: /Laptop/ });
    await row.getByRole('button', { name: 'Revoke Laptop' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke Laptop?' });
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await confirm.waitFor({ state: 'detached' });

    await row.getByText('Revoked', { exact: true }).waitFor();
    await page.getByText('0 of 5 active').waitFor();
    expect(await row.getByRole('button').count()).toBe(0);
  });

  it('shows the creation and the revocation of "Laptop" in History', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'History' })
      .click();
    await page.getByRole('heading', { name: 'History', exact: true }).waitFor();
    const table = page.getByRole('table');
    const created = table.getByRole('row').filter({ hasText: 'Token created' });
    const revoked = table.getByRole('row').filter({ hasText: 'Token revoked' });
    await created.first().waitFor();
    await revoked.first().waitFor();
    expect(await created.filter({ hasText: 'Laptop' }).count()).toBe(1);
    expect(await revoked.filter({ hasText: 'Laptop' }).count()).toBe(1);
    expect(await page.content()).not.toContain(value);
  });

  it('opens Rotate from the link in an expiry email, and shows the replacement once', async () => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Access Tokens' })
      .click();
    const create = await openDialog(
      page,
      page.getByRole('button', { name: 'Create token' }),
      'Create token',
    );
    await create.getByLabel('Label').fill('Desktop');
    await create.getByRole('button', { name: 'Create token' }).click();
    const first = page.getByRole('dialog', { name: 'Copy your new token' });
    await first.getByRole('button', { name: 'Show token' }).click();
    const oldValue = await first.getByLabel('Token', { exact: true }).inputValue();
    await first.getByRole('button', { name: 'Done' }).click();
    await first.waitFor({ state: 'detached' });

    const { items } = await page.evaluate<{ items: { id: string; label: string }[] }>(
      "fetch('/api/tokens').then((response) => response.json())",
    );
    const desktop = items.find((t) => t.label === 'Desktop')!;
    await page.goto(`${test.baseUrl}/tokens?rotate=${desktop.id}`);
    const confirm = page.getByRole('dialog', { name: 'Rotate Desktop?' });
    await confirm.getByText('Power BI').waitFor();
    await confirm.getByRole('button', { name: 'Rotate' }).click();

    const reveal = page.getByRole('dialog', { name: 'Copy your new token' });
    await reveal.getByRole('button', { name: 'Show token' }).click();
    const newValue = await reveal.getByLabel('Token', { exact: true }).inputValue();
    expect(newValue).toMatch(TOKEN_FORMAT);
    expect(newValue).not.toBe(oldValue);
    await reveal.getByRole('button', { name: 'Done' }).click();
    await reveal.waitFor({ state: 'detached' });

    expect(new URL(page.url()).search).toBe('');
    const rows = page.getByRole('row').filter({ hasText: 'Desktop' });
    await rows.filter({ hasText: 'Active' }).waitFor();
    await rows.filter({ hasText: 'Revoked' }).waitFor();
    await page.getByText('1 of 5 active').waitFor();
    expect(await page.content()).not.toContain(newValue);
  });

  it('follows a "Maximum lifetime" policy that an admin sets', async () => {
    const admin = await browser.newPage();
    await admin.goto(`${test.baseUrl}/admin/policy`);
    await admin.getByLabel('Username').fill('ada');
    await admin.getByLabel('Password').fill(TEST_PASSWORD);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByText('Never changed').waitFor();
    await admin.getByRole('radio', { name: 'Maximum lifetime' }).check();
    await admin.getByLabel('Lifetime in days').fill('30');
    await admin.getByRole('button', { name: 'Save policy' }).click();
    await admin.getByText('Policy saved.').waitFor();
    await admin.getByText('Last changed by ada').waitFor();
    await admin.close();

    // bob has no time zone of his own: UTC.
    const day = (days: number) => new Date(Date.now() + days * 24 * 60 * 60 * 1000);
    const shown = (date: Date) =>
      new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
    const typed = (date: Date) =>
      `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()}`;

    await page.reload();
    for (const [label, date] of [
      ['Tablet', null],
      ['Phone', day(7)],
    ] as const) {
      const create = await openDialog(
        page,
        page.getByRole('button', { name: 'Create token' }),
        'Create token',
      );
      await create.getByText('Tokens must expire within 30 days (tenant policy)').waitFor();
      await create.getByLabel('Label').fill(label);
      const expires = create.getByLabel('Expires on');
      // The picker starts on the last allowed day.
      expect(await expires.inputValue()).toBe(typed(day(30)));
      if (date) await expires.fill(typed(date));
      await create.getByRole('button', { name: 'Create token' }).click();
      const reveal = page.getByRole('dialog', { name: 'Copy your new token' });
      await reveal.getByRole('button', { name: 'Done' }).click();
      await reveal.waitFor({ state: 'detached' });
      const row = page.getByRole('row').filter({ hasText: label });
      await row.getByText(shown(date ?? day(30))).waitFor();
    }
  });

  it('creates a token for chosen data sources only, and the list names them', async () => {
    await seedDemoSchema(test, { deals: 10 });
    const api = await signIn(test, 'bob', TEST_PASSWORD);
    await createDataSource(api, 'Sales', ['deals']);
    await createDataSource(api, 'Finance', ['accounts']);

    await page.reload();
    const create = await openDialog(
      page,
      page.getByRole('button', { name: 'Create token' }),
      'Create token',
    );
    await create.getByLabel('Label').fill('Sales only');
    await create.getByRole('radio', { name: 'Only these data sources' }).check();
    await create.getByRole('combobox', { name: 'Data sources this token may read' }).click();
    await page.getByRole('option', { name: 'Sales' }).click();
    await page.keyboard.press('Escape');
    await create.getByRole('button', { name: 'Create token' }).click();
    const reveal = page.getByRole('dialog', { name: 'Copy your new token' });
    await reveal.getByRole('button', { name: 'Done' }).click();
    await reveal.waitFor({ state: 'detached' });

    const row = page.getByRole('row').filter({ hasText: 'Sales only' });
    await row.getByRole('cell', { name: 'Sales', exact: true }).waitFor();
    const tablet = page.getByRole('row').filter({ hasText: 'Tablet' });
    await tablet.getByRole('cell', { name: 'All data sources', exact: true }).waitFor();
  });
});
