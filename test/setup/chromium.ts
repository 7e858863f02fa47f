import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

/** The portal build the browser specs drive (`npm test` builds it first). */
export const PORTAL_DIR = resolve(__dirname, '../../dist/portal/browser');

export function assertPortalBuilt(): void {
  if (!existsSync(join(PORTAL_DIR, 'index.html'))) {
    throw new Error(`The portal is not built (${PORTAL_DIR}); npm test builds it first`);
  }
}

/**
 * Debian's Chromium, never a downloaded browser (../shared/STACK.md), with the flags this
 * closed network needs. Playwright gives each launch a fresh, empty profile.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Clicks `opener` and answers the dialog it opens once that dialog has taken focus. A Material
 * dialog moves focus to its first field only when its open animation ends (after a timer, so
 * later on a busy machine), and Playwright's `fill` focuses a field and then types into whatever
 * has focus: a fill in that window types into the first field instead of its own.
 */
export async function openDialog(page: Page, opener: Locator, name: string): Promise<Locator> {
  await opener.click();
  const dialog = page.getByRole('dialog', { name });
  const container = await dialog.elementHandle();
  await page.waitForFunction(
    (element) => element?.contains(element.ownerDocument.activeElement),
    container,
  );
  return dialog;
}
