import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { seriousA11yViolations } from './a11y';
import { actAs, screenshot, useBrowser } from './browser';

const baseUrl = inject('baseUrl');
const browser = useBrowser();

describe("the leader's statistics", () => {
  it('shows the municipality per unit and month with small figures hidden, passes axe, and exports CSV', async () => {
    await actAs(browser(), baseUrl, 'oslo.leder', async (page) => {
      await page.getByRole('link', { name: 'Statistikk' }).first().click();
      await page.getByRole('heading', { level: 1, name: 'Statistikk' }).waitFor();
      // The demo data's patients, counted from the change streams by the local runtime's feeder.
      const table = page.locator('[data-testid="stats-table"]');
      await table.waitFor({ timeout: 20_000 });
      await expect(table.locator('tbody tr').count()).resolves.toBeGreaterThan(1);
      // A handful of demo patients per unit: every figure below 5 is hidden (":"), none is shown as a small number.
      const figures = (await table.locator('tbody td').allInnerTexts()).map((s) => s.trim());
      expect(figures.every((f) => f === ':' || Number(f) >= 5), figures.join(' ')).toBe(true);
      await screenshot(page, '20-leader-stats');
      expect(await seriousA11yViolations(page)).toEqual([]);

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Last ned som CSV' }).click()]);
      const csv = await readFile(await download.path(), 'utf8');
      expect(csv.split('\r\n')[0]).toMatch(/^Enhet,Kategori,\d{4}-\d{2},/);
      expect(csv).toContain('Alle,');

      // A leader reaches no record: the patient pages are not theirs.
      await page.goto(`${baseUrl}/patients`);
      await page.getByText('Du har ikke tilgang til denne siden med rollen du er logget inn med.').waitFor();
    });
  });
});
