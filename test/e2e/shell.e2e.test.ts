import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { failureShot, launchBrowser, loginAs, logout, newContext, screenshot } from './browser';
import { jsBundleSize, report } from './metrics';

const baseUrl = inject('baseUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('the built client', () => {
  it('ships under 300 KB of gzipped JavaScript', () => {
    const size = jsBundleSize();
    report(`bundle: ${size.files.length} JS file(s), ${(size.totalBytes / 1024).toFixed(1)} KB raw, ${(size.totalGzip / 1024).toFixed(1)} KB gzip`);
    expect(size.totalGzip).toBeLessThan(300 * 1024);
  });
});

describe('login and the app shell', () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await newContext(browser);
    page = await context.newPage();
  });
  afterAll(async () => {
    await context.close();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') console.log(`screenshot: ${await failureShot(page, ctx.task.name)}`);
  });

  it('shows a usable login page in under a second on a cold cache', async () => {
    // Warm the gateway's own caches (not the browser's): the figure is about the client.
    await fetch(`${baseUrl}/local-auth/demo-users`);
    const t0 = Date.now();
    await page.goto(`${baseUrl}/`);
    await page.locator('button[data-user="oslo.sykepleier"]').waitFor();
    const wall = Date.now() - t0;
    const inPage = await page.evaluate(() => Math.round(performance.now()));
    report(`first page usable (login with demo users, cold browser cache): ${wall} ms wall, ${inPage} ms since navigation start`);
    expect(wall).toBeLessThan(1000);
    await expect(page.title()).resolves.toBe('Fellesjournal');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('nb');
    await screenshot(page, '01-login');
  });

  it('logs a nurse in and shows the home screen with her municipality', async () => {
    const t0 = Date.now();
    await loginAs(page, baseUrl, 'oslo.sykepleier');
    await page.getByRole('heading', { level: 1, name: /Hei, Sara Sykepleier/ }).waitFor();
    await page.locator('[data-testid="tenant"]', { hasText: 'Oslo (0301)' }).waitFor();
    report(`login -> home screen: ${Date.now() - t0} ms`);
    expect(page.url()).toBe(`${baseUrl}/`);
    await screenshot(page, '02-home-clinician');
  });

  it('keeps the token in sessionStorage only and nothing patient-related in localStorage', async () => {
    const storage = await page.evaluate(() => ({ local: Object.keys(localStorage), session: Object.keys(sessionStorage) }));
    expect(storage.session).toEqual(['fj.session']);
    expect(storage.local.filter((k) => k !== 'fj.lang')).toEqual([]);
  });

  it('switches to English and back', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: /Hello, Sara Sykepleier/ }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await page.getByRole('button', { name: 'Norsk' }).click();
    await page.getByRole('heading', { level: 1, name: /Hei, Sara Sykepleier/ }).waitFor();
  });

  it('survives a reload within the session and shows a readable page for an unknown path', async () => {
    await page.goto(`${baseUrl}/finnes/ikke`);
    await page.getByRole('heading', { level: 1, name: 'Siden finnes ikke.' }).waitFor();
    await page.locator('[data-testid="who"]').waitFor();
  });

  it('logs out', async () => {
    await logout(page);
    await page.locator('[data-testid="login-reason"]', { hasText: 'Du er logget ut.' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('fj.session'))).toBeNull();
  });
});

describe('session expiry', () => {
  it('sends the user back to login with a message when the token expires', async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    try {
      await page.clock.install();
      await page.goto(`${baseUrl}/`);
      await loginAs(page, baseUrl, 'bergen.lege');
      // Demo tokens live an hour; jump past it.
      await page.clock.fastForward('01:00:05');
      await page.locator('[data-testid="login-reason"]', { hasText: 'Økten din er utløpt' }).waitFor();
      expect(await page.evaluate(() => sessionStorage.getItem('fj.session'))).toBeNull();
      await screenshot(page, '09-session-expired');
    } catch (error) {
      console.log(`screenshot: ${await failureShot(page, 'session-expiry')}`);
      throw error;
    } finally {
      await context.close();
    }
  });
});
