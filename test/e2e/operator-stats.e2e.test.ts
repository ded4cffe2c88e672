import { readFile } from 'node:fs/promises';
import { describe, expect, inject, it } from 'vitest';
import { seriousA11yViolations } from './a11y';
import { actAs, screenshot, useBrowser } from './browser';

const baseUrl = inject('baseUrl');
const browser = useBrowser();

describe("the operator's national figures", () => {
  it('shows the statistics summed over the municipalities by month, never per unit, small figures hidden, passes axe, and exports CSV', async () => {
    await actAs(browser(), baseUrl, 'drift', async (page) => {
      await page.getByRole('link', { name: 'Nasjonale tall' }).first().click();
      await page.getByRole('heading', { level: 1, name: 'Nasjonale tall' }).waitFor();
      // The demo data of every municipality, counted from the change streams by the local runtime's feeder.
      const table = page.locator('[data-testid="stats-table"]');
      await table.waitFor({ timeout: 20_000 });
      await page.locator('[data-testid="stats-chart"]').or(page.getByText('Alle tall i perioden er under terskelen og vises ikke.')).first().waitFor();
      const rows = (await table.locator('tbody th').allInnerTexts()).map((s) => s.trim());
      expect(rows.at(-1)).toBe('Alle');
      // Summed over municipalities: no row names a unit.
      expect(rows.some((r) => r.includes('Uten enhet') || /\d{4}-/.test(r)), rows.join(' | ')).toBe(false);
      const figures = (await table.locator('tbody td').allInnerTexts()).map((s) => s.trim());
      expect(figures.every((f) => f === ':' || Number(f) >= 5), figures.join(' ')).toBe(true);
      await screenshot(page, '21-operator-national-stats');
      expect(await seriousA11yViolations(page)).toEqual([]);

      // Another figure through the same chart and table: new patients, summed over the demo municipalities.
      await page.getByLabel('Tall', { exact: true }).selectOption('patients.new');
      await page.getByRole('heading', { level: 2, name: 'Nye pasienter' }).waitFor();
      expect(await seriousA11yViolations(page)).toEqual([]);

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Last ned som CSV' }).click()]);
      expect(download.suggestedFilename()).toMatch(/^statistikk-nasjonal-patients\.new-/);
      const csv = await readFile(await download.path(), 'utf8');
      expect(csv.split('\r\n')[0]).toMatch(/^Enhet,Kategori,\d{4}-\d{2},/);
      expect(csv).toContain('Alle,');

      // The operator reaches no municipality's statistics: the leader's screen is not theirs.
      await page.goto(`${baseUrl}/leader/stats`);
      await page.getByText('Du har ikke tilgang til denne siden med rollen du er logget inn med.').waitFor();
    });
  });
});
