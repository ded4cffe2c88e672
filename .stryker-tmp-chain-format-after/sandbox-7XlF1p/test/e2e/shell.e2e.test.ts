// @ts-nocheck
import { describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { loginAs, logout, newContext, openActor, screenshot, useActor, useBrowser, withActor } from './browser';
import { seriousA11yViolations } from './a11y';
import { jsBundleSize, report } from './metrics';

const baseUrl = inject('baseUrl');
const browser = useBrowser();

interface FirstLoad {
  wall: number;
  usersAsked: number;
  usersServer: number;
  scripts: string[];
}

/** Where the first load's time went, from the page's own resource timing. */
async function firstLoadTimings(p: Page): Promise<Omit<FirstLoad, 'wall'>> {
  return p.evaluate(() => {
    const entries = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const users = entries.find((e) => e.name.includes('/demo-users'));
    return {
      usersAsked: Math.round(users?.requestStart ?? -1),
      usersServer: Math.round(users ? users.responseStart - users.requestStart : -1),
      scripts: entries.filter((e) => e.name.endsWith('.js')).map((e) => e.name.split('/').pop() ?? ''),
    };
  });
}

function medianBy<T>(items: T[], key: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => key(a) - key(b));
  const mid = sorted[Math.floor(sorted.length / 2)];
  if (mid === undefined) throw new Error('no samples');
  return mid;
}

describe('the built client', () => {
  it('ships under 300 KB of gzipped JavaScript', () => {
    const size = jsBundleSize();
    report(`bundle: ${size.files.length} JS file(s), ${(size.totalBytes / 1024).toFixed(1)} KB raw, ${(size.totalGzip / 1024).toFixed(1)} KB gzip`);
    expect(size.totalGzip).toBeLessThan(300 * 1024);
  });
});

describe('login and the app shell', () => {
  const shell = useActor(browser, baseUrl);

  it('shows a usable login page on a cold cache, and reports how long it took', async () => {
    const { page } = shell;
    // The browser is running already (as a user's would be); each load gets a fresh profile, so
    // nothing is cached. Usable = the demo users are listed and can be clicked. Five loads, the
    // median counts: one load on a shared 2-core machine says little. The figure is reported, not
    // asserted: a test that fails on a busy machine says nothing about the client.
    const warm = await browser().newPage();
    await warm.close();
    const loads: FirstLoad[] = [];
    for (let i = 0; i < 5; i++) {
      const fresh = await newContext(browser());
      const p = await fresh.newPage();
      const t0 = Date.now();
      await p.goto(`${baseUrl}/`);
      await p.locator('button[data-user="oslo.sykepleier"]').waitFor();
      loads.push({ wall: Date.now() - t0, ...(await firstLoadTimings(p)) });
      await fresh.close();
    }
    const median = medianBy(loads, (l) => l.wall);
    const js = jsBundleSize();
    const firstJs = js.files.filter((f) => median.scripts.includes(f.name));
    report(
      `first page usable (login page with demo users, cold cache, fresh profile): median ${median.wall} ms of ${loads.map((l) => l.wall).join(' / ')} ms; ` +
        `in that load: demo-user list asked at ${median.usersAsked} ms, answered by the server after ${median.usersServer} ms; ` +
        `JS loaded: ${firstJs.length} file(s), ${(firstJs.reduce((s, f) => s + f.gzip, 0) / 1024).toFixed(1)} KB gzip`,
    );

    await page.goto(`${baseUrl}/`);
    await page.locator('button[data-user="oslo.sykepleier"]').waitFor();
    await expect(page.title()).resolves.toBe('Fellesjournal');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('nb');
    await screenshot(page, '01-login');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('logs a nurse in and shows the home screen with her municipality', async () => {
    const { page } = shell;
    const t0 = Date.now();
    await loginAs(page, baseUrl, 'oslo.sykepleier');
    await page.getByRole('heading', { level: 1, name: /Hei, Sara Sykepleier/ }).waitFor();
    await page.locator('[data-testid="tenant"]', { hasText: 'Oslo (0301)' }).waitFor();
    report(`login -> home screen: ${Date.now() - t0} ms`);
    expect(page.url()).toBe(`${baseUrl}/`);
    await screenshot(page, '02-home-clinician');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('keeps the token in sessionStorage only and nothing patient-related in localStorage', async () => {
    const { page } = shell;
    const storage = await page.evaluate(() => ({ local: Object.keys(localStorage), session: Object.keys(sessionStorage) }));
    expect(storage.session).toEqual(['fj.session']);
    expect(storage.local.filter((k) => k !== 'fj.lang')).toEqual([]);
  });

  it('switches to English and back', async () => {
    const { page } = shell;
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: /Hello, Sara Sykepleier/ }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await page.getByRole('button', { name: 'Norsk' }).click();
    await page.getByRole('heading', { level: 1, name: /Hei, Sara Sykepleier/ }).waitFor();
  });

  it('survives a reload within the session and shows a readable page for an unknown path', async () => {
    const { page } = shell;
    await page.goto(`${baseUrl}/finnes/ikke`);
    await page.getByRole('heading', { level: 1, name: 'Siden finnes ikke.' }).waitFor();
    await page.locator('[data-testid="who"]').waitFor();
  });

  it('logs out', async () => {
    const { page } = shell;
    await logout(page);
    await page.locator('[data-testid="login-reason"]', { hasText: 'Du er logget ut.' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('fj.session'))).toBeNull();
  });
});

describe('session expiry', () => {
  it('sends the user back to login with a message when the token expires', async () => {
    // A blank page first: the clock is installed before the app loads.
    await withActor(() => openActor(browser()), 'session-expiry', async (page) => {
      await page.clock.install();
      await page.goto(`${baseUrl}/`);
      await loginAs(page, baseUrl, 'bergen.lege');
      // Demo tokens live an hour; jump past it.
      await page.clock.fastForward('01:00:05');
      await page.locator('[data-testid="login-reason"]', { hasText: 'Økten din er utløpt' }).waitFor();
      expect(await page.evaluate(() => sessionStorage.getItem('fj.session'))).toBeNull();
      await screenshot(page, '09-session-expired');
    });
  });
});
