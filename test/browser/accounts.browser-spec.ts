import { type Browser, type Page } from 'playwright-core';
import { invite, lastMailTo, linkIn } from '../setup/account-helpers';
import { assertPortalBuilt, launchChromium, PORTAL_DIR } from '../setup/chromium';
import { signIn } from '../setup/e2e-helpers';
import { SmtpSink } from '../setup/smtp-sink';
import { seedTenant, startTestApp, TEST_PASSWORD, type TestApp } from '../setup/test-app';

/** How the portal writes an instant (`Jan 2, 2024, 8:30 AM`), spaces made plain. */
const shown = (instant: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-US', {
    timeZone,
    month: 'short',
    day: 'numeric',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  })
    .format(instant)
    .replace(/\s/g, ' ');

describe('an invited colleague in a real browser', () => {
  let test: TestApp;
  let sink: SmtpSink;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    assertPortalBuilt();
    sink = await SmtpSink.start();
    test = await startTestApp({ PORTAL_DIR, SMTP_URL: sink.url });
    await seedTenant(test, 'Acme', [{ username: 'ada', role: 'admin' }]);
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await test?.close();
    await sink?.stop();
  });

  it('accepts the emailed link, sets a password, and is signed in', async () => {
    const ada = await signIn(test, 'ada', TEST_PASSWORD);
    await invite(ada, 'ivy', { timeZone: 'UTC' });
    const { secret } = linkIn(await lastMailTo(test, sink, 'ivy@example.test'));

    await page.goto(`${test.baseUrl}/accept-invite#${secret}`);
    await page.getByLabel('Password', { exact: true }).fill('ivys-own-long-password');
    await page.getByLabel('Confirm password').fill('ivys-own-long-password');
    await page.getByRole('button', { name: /set password|accept|continue/i }).click();
    await page.getByRole('heading', { name: 'Access Tokens', exact: true }).waitFor();
    // The secret left the address bar at once.
    expect(page.url()).not.toContain(secret);
  });

  it('sets a time zone on Profile and then sees every date in it', async () => {
    const signedInAt = test.clock.now();
    await page.goto(`${test.baseUrl}/profile`);
    const sessions = page.getByRole('table');
    await sessions.getByText(shown(signedInAt, 'UTC')).first().waitFor();

    const zone = page.getByRole('combobox', { name: 'Time zone' });
    await zone.fill('Asia/Tok');
    await page.getByRole('option', { name: /Asia\/Tokyo/ }).click();
    await page.getByRole('button', { name: /save/i }).first().click();

    await sessions.getByText(shown(signedInAt, 'Asia/Tokyo')).first().waitFor();
    expect(await sessions.getByText(shown(signedInAt, 'UTC')).count()).toBe(0);
    const me = await page.evaluate(
      async () => (await (await fetch('/api/auth/me')).json()) as { timeZone: string },
    );
    expect(me.timeZone).toBe('Asia/Tokyo');
  });
});
