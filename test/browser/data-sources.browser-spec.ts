import type { DataSource, DataSourceList } from '@feedpass/contracts';
import { type Browser, type Page } from 'playwright-core';
import { assertPortalBuilt, launchChromium, openDialog, PORTAL_DIR } from '../setup/chromium';
import { signIn } from '../setup/e2e-helpers';
import { createDataSource, seedDemoSchema } from '../setup/odata-helpers';
import { seedTenant, startTestApp, TEST_PASSWORD, type TestApp } from '../setup/test-app';

describe('data source row filters in a real browser', () => {
  let test: TestApp;
  let browser: Browser;
  let page: Page;
  let source: DataSource;

  /** The data source as the API holds it now, through the page's own session. */
  async function saved(): Promise<DataSource> {
    const { items } = await page.evaluate<DataSourceList>(
      "fetch('/api/data-sources').then((response) => response.json())",
    );
    return items.find((s) => s.id === source.id)!;
  }

  beforeAll(async () => {
    assertPortalBuilt();
    test = await startTestApp({ PORTAL_DIR });
    // Before the first catalog request: the catalog is cached per process.
    await seedDemoSchema(test, { deals: 2_000 });
    await seedTenant(test, 'Acme', [{ username: 'bob' }]);
    source = await createDataSource(await signIn(test, 'bob', TEST_PASSWORD), 'Pipeline', [
      'deals',
    ]);
    browser = await launchChromium();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await test?.close();
  });

  it('signs the owner in to the data source, never read yet', async () => {
    await page.goto(`${test.baseUrl}/data-sources`);
    await page.getByLabel('Username').fill('bob');
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Data Sources', exact: true }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Pipeline' });
    await row.getByText('Never').waitFor();
    expect(await row.getByRole('button', { name: 'Edit Pipeline' }).count()).toBe(1);
  });

  it('adds "Stage equals Closed Won" with the basic editor and saves it', async () => {
    const dialog = await openDialog(
      page,
      page.getByRole('button', { name: 'Edit Pipeline' }),
      'Edit Pipeline',
    );
    await dialog.getByText('Editing keeps the OData URL').waitFor();
    await dialog.getByText('No filter: readers see every row.').waitFor();
    await dialog.getByRole('button', { name: 'Add a condition to Deals' }).click();
    await dialog.getByRole('combobox', { name: 'Column' }).click();
    await page.getByRole('option', { name: 'Stage', exact: true }).click();
    await dialog.getByRole('combobox', { name: 'Operator' }).click();
    await page.getByRole('option', { name: 'equals', exact: true }).click();
    await dialog.getByLabel('Value').fill('Closed Won');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('Saved Pipeline.').waitFor();

    const after = await saved();
    expect(after.rowFilters).toEqual({ deals: "Stage eq 'Closed Won'" });
    expect(after.odataUrl).toBe(source.odataUrl);
  });

  it('previews Deals with only the rows whose Stage is Closed Won', async () => {
    await page.getByRole('button', { name: 'Preview Pipeline' }).click();
    const dialog = page.getByRole('dialog', { name: 'Preview Pipeline' });
    await dialog.getByText("Filtered by: Stage eq 'Closed Won'").waitFor();
    await dialog.getByRole('columnheader', { name: 'Stage · String' }).waitFor();
    await dialog.getByRole('columnheader', { name: 'Amount · Decimal' }).waitFor();

    const stages = await dialog.locator('td.mat-column-Stage').allInnerTexts();
    expect(stages.length).toBe(20);
    expect(new Set(stages.map((s) => s.trim()))).toEqual(new Set(['Closed Won']));

    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('shows the API’s error for an unknown column under the advanced editor, and saves nothing', async () => {
    const dialog = await openDialog(
      page,
      page.getByRole('button', { name: 'Edit Pipeline' }),
      'Edit Pipeline',
    );
    // The saved filter opens in the basic editor, as it was written.
    expect(await dialog.getByLabel('Value').inputValue()).toBe('Closed Won');

    await dialog.getByText('Advanced', { exact: true }).click();
    const expression = dialog.getByLabel('$filter expression');
    expect(await expression.inputValue()).toBe("Stage eq 'Closed Won'");
    await expression.fill("Nope eq 'x'");
    await dialog.getByRole('button', { name: 'Save' }).click();

    const editor = dialog.locator('fp-row-filter-editor');
    await editor.getByRole('alert').filter({ hasText: /Nope/ }).waitFor();
    expect(await editor.getByRole('alert').innerText()).toMatch(/unknown property 'Nope'/i);
    expect(await dialog.isVisible()).toBe(true);

    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await saved()).rowFilters).toEqual({ deals: "Stage eq 'Closed Won'" });
  });
});
