// @ts-nocheck
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
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

/** One browser for a test file: launched before its tests, closed after them. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is launched in beforeAll');
    return browser;
  };
}

/** A browser profile and its page: one person at their own machine. */
export interface Actor {
  context: BrowserContext;
  page: Page;
}

/**
 * One actor: a fresh profile; on the start page when `baseUrl` is given (else a blank page, for a
 * test to prepare before the app loads), logged in as `userId` when one is given.
 */
export async function openActor(browser: Browser, baseUrl?: string, userId?: string): Promise<Actor> {
  const context = await newContext(browser);
  const page = await context.newPage();
  if (baseUrl) await page.goto(`${baseUrl}/`);
  if (baseUrl && userId) await loginAs(page, baseUrl, userId);
  return { context, page };
}

/** Runs `body` with an actor of its own; a failure leaves a screenshot named `name`; the profile is closed either way. */
export async function withActor(open: () => Promise<Actor>, name: string, body: (page: Page) => Promise<void>): Promise<void> {
  const { context, page } = await open();
  try {
    await body(page);
  } catch (error) {
    console.log(`screenshot: ${await failureShot(page, name)}`);
    throw error;
  } finally {
    await context.close();
  }
}

/** Runs `body` as `userId`, logged in, in a fresh profile of its own (withActor); the failure screenshot is named `name`, by default the user. */
export function actAs(browser: Browser, baseUrl: string, userId: string, body: (page: Page) => Promise<void>, name = userId): Promise<void> {
  return withActor(() => openActor(browser, baseUrl, userId), name, body);
}

/** After any failing test of the block: a screenshot of the page, named after the test. */
export function screenshotOnFailure(page: () => Page | undefined): void {
  afterEach(async (ctx) => {
    const p = page();
    if (ctx.task.result?.state === 'fail' && p) console.log(`screenshot: ${await failureShot(p, ctx.task.name)}`);
  });
}

/**
 * For a describe block: one actor through all its tests (opened before, closed after; `userId`
 * undefined stays logged out), with a screenshot of any test that fails.
 */
export function useActor(browser: () => Browser, baseUrl: string, userId?: string): Actor {
  let actor: Actor | undefined;
  const current = (): Actor => {
    if (!actor) throw new Error('the actor is opened in beforeAll');
    return actor;
  };
  beforeAll(async () => {
    actor = await openActor(browser(), baseUrl, userId);
  });
  afterAll(async () => {
    await actor?.context.close();
  });
  screenshotOnFailure(() => actor?.page);
  return {
    get context() {
      return current().context;
    },
    get page() {
      return current().page;
    },
  };
}
