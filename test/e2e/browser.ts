import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const SCREENSHOT_DIR = join(REPO_ROOT, 'docs', 'screenshots');
const FAILURE_DIR = join(REPO_ROOT, 'test', 'e2e', 'screenshots-tmp');

/** Debian's Chromium; `npx playwright install` does not work on these machines. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A fresh browser profile (empty cache and storage), as a new user on a new machine. */
export async function newContext(browser: Browser, options: { locale?: string } = {}): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 860 }, locale: options.locale ?? 'nb-NO', timezoneId: 'Europe/Oslo', deviceScaleFactor: 1 });
}

/** Saves a screenshot of the main screen for the README. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Blinking carets and spinners make noisy diffs; let the page settle.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  // Whole page, but at most a long screen: long lists would make unreadable README images.
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.min(height, 1600) }, animations: 'disabled', caret: 'hide' });
}

/** On a failure, a screenshot to look at (ignored by git). */
export async function failureShot(page: Page, name: string): Promise<string> {
  mkdirSync(FAILURE_DIR, { recursive: true });
  const path = join(FAILURE_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path, fullPage: true }).catch(() => undefined);
  return path;
}

/** Logs in through the login page as a demo user; resolves on the home screen. */
export async function loginAs(page: Page, baseUrl: string, userId: string): Promise<void> {
  if (!page.url().startsWith(baseUrl)) await page.goto(`${baseUrl}/`);
  await page.locator(`button[data-user="${userId}"]`).click();
  await page.locator('[data-testid="who"]').waitFor();
}

/** Logs out through the header button and waits for the login page. */
export async function logout(page: Page): Promise<void> {
  await page.getByRole('button', { name: /Logg ut|Log out/ }).click();
  await page.locator('button[data-user]').first().waitFor();
}
